"""The ``demos`` MkDocs plugin: real strict builds of a small fixture site with the fixture
demos (``tests/fixtures/demo_site``), and its hooks called directly."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from mkdocs.exceptions import Abort, PluginError

from generator.cli.main import main
from generator.demo.render import DISABLED_TITLE
from site_plugins.demos_plugin import DemosPlugin

from .conftest import build_logged, copy_small_site, site_config
from .demo_helpers import copy_demo_site, copy_demos, demo_lines, progress_lines, runs

PAGE = Path("guide/carre/index.html")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return copy_demo_site(tmp_path / "project")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _article(site: Path, page: Path = PAGE) -> str:
    html = (site / page).read_text(encoding="utf-8")
    return html[html.index("<article") : html.index("</article>")]


def _failure(project: Path) -> str:
    """The error a build stops with (MkDocs logs it and raises Abort)."""
    with pytest.raises(Abort) as caught:
        build_logged(project)
    error = caught.value.__context__
    assert isinstance(error, PluginError)
    return str(error)


def test_strict_build_then_cache_hit(project: Path, counter: Path) -> None:
    site, logs = build_logged(project)
    assert [re.sub(r"\d+,\d+", "N", line) for line in demo_lines(logs)] == [
        "démo tiny : exécutée en N s",
        "démo tiny (side=3, version courte) : exécutée en N s",
    ]
    # Each run is told as it goes, on MkDocs' log (INFO: `mkdocs build` shows it).
    assert progress_lines(logs) == [
        "démo tiny : exécution…",
        "démo tiny › tiny : calcul de l'aire",
        "démo tiny (side=3, version courte) : exécution…",
        "démo tiny (side=3, version courte) › tiny : calcul de l'aire",
    ]
    assert runs(counter) == ["tiny side=2 quick=False", "tiny side=3 quick=True"]
    article = _article(site)
    assert "{{" not in article
    # The figure, its caption (escaped) and its provenance, with a link MkDocs resolved.
    figure = re.search(
        r'<figure class="demo-figure"><img alt="Carré" src="(?P<src>[^"]+)" />'
        r"<figcaption>(?P<caption>.*?)</figcaption></figure>",
        article,
    )
    assert figure is not None
    assert figure["src"].startswith("../../demos/tiny/")
    assert (site / "guide" / "carre" / figure["src"]).resolve().is_file()
    assert figure["caption"].startswith("Un carré &lt;b&gt;de côté&lt;/b&gt; donné<br>")
    provenance = re.compile(
        r"Calculé le \d{1,2}(?:er)? \w+ 20\d\d sur CPU .+? \(\d+ cœurs?\) · NumPy [\d.]+, "
        r"Python 3\.[\d.]+ · graine 0 · [^<]+ s"
    )
    assert provenance.search(figure["caption"])
    # Metrics and tables carry the same line; quick runs say so.
    assert len(provenance.findall(article)) == 4
    assert article.count("· version courte</small>") == 1
    assert '<td><code>area</code></td>\n<td style="text-align: right;">4</td>' in article
    assert '<td style="text-align: right;">1,5</td>\n<td style="text-align: right;">2,25</td>' in (
        article
    )
    assert '<td><code>area</code></td>\n<td style="text-align: right;">9</td>' in article
    # The notes, once per run on the page.
    assert article.count("Aucun GPU utilisable sur cette machine") == 2
    # A directive shown as code stays code.
    index = _article(site, Path("index.html"))
    assert '<code>{{&lt; demo name="tiny" &gt;}}</code>' in index
    assert "{{&lt; demo name=&quot;tiny&quot; figures=&quot;square&quot; &gt;}}" in index

    first_html = (site / PAGE).read_text(encoding="utf-8")
    site, logs = build_logged(project)
    lines = demo_lines(logs)
    assert len(lines) == 2
    assert re.fullmatch(r"démo tiny : en cache \([0-9a-f]{12}…\)", lines[0])
    assert len(runs(counter)) == 2  # nothing ran again
    assert (site / PAGE).read_text(encoding="utf-8") == first_html


def test_editing_prose_does_not_run_the_demo_again(project: Path, counter: Path) -> None:
    build_logged(project)
    page = project / "docs" / "guide" / "carre.md"
    _edit(page, "Un paragraphe de prose", "Un paragraphe de prose réécrit")
    site, logs = build_logged(project)
    assert all(": en cache (" in line for line in demo_lines(logs))
    assert len(runs(counter)) == 2
    assert "prose réécrit" in _article(site)


def test_editing_the_demo_runs_it_again(project: Path, counter: Path) -> None:
    build_logged(project)
    _edit(project / "pkgs" / "fixture_demos" / "tiny" / "helper.py", "** 2", "** 2.0")
    _, logs = build_logged(project)
    assert [line.split(" : ")[1].split(" ")[0] for line in demo_lines(logs)] == [
        "exécutée",
        "exécutée",
    ]
    assert len(runs(counter)) == 4


def test_disabled_demos_show_a_notice_and_run_nothing(project: Path, counter: Path) -> None:
    # As in the project's mkdocs.yml; the test suite sets INFOLETTRE_DEMOS=false.
    _edit(project / "mkdocs.yml", "enabled: true", "enabled: !ENV [INFOLETTRE_DEMOS, true]")
    site, logs = build_logged(project)
    assert runs(counter) == []
    assert not (project / ".cache" / "demos").exists()
    assert not (site / "demos").exists()
    article = _article(site)
    assert article.count(f'<p class="admonition-title">{DISABLED_TITLE}</p>') == 4
    # No frozen result for these sources: the page says so.
    assert article.count("ses résultats ne sont pas figés pour cette version de son code") == 4
    assert "{{" not in article
    assert (
        "demos: démonstrations désactivées : 4 directive(s) sans résultat figé, non exécutée(s)"
        in logs
    )


def test_disabled_demos_show_the_frozen_result_of_the_same_sources(
    project: Path, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # `demos freeze --all` runs what the pages ask for, then freezes it.
    common = ["--root", str(project), "--package", "fixture_demos", "--package-dir", "pkgs"]
    assert main(["demos", "freeze", "--all", *common, "--freeze-dir", "frozen"]) == 0
    assert "2 exécution(s) figée(s)" in capsys.readouterr().out
    assert len(runs(counter)) == 2
    shutil.rmtree(project / ".cache" / "demos")
    # A build with the demos off (INFOLETTRE_DEMOS=false, as on a host without the
    # demos' time): the frozen results, nothing run.
    _edit(project / "mkdocs.yml", "enabled: true", "enabled: !ENV [INFOLETTRE_DEMOS, true]")
    site, logs = build_logged(project)
    assert len(runs(counter)) == 2
    assert not progress_lines(logs)
    lines = demo_lines(logs)
    assert len(lines) == 2 and all("résultat figé" in line for line in lines)
    article = _article(site)
    assert article.count("Résultat figé : mesuré le ") == 4
    assert DISABLED_TITLE not in article
    src = re.search(r'src="\.\./\.\./(demos/tiny/[^"]+)"', article)
    assert src is not None and (site / src[1]).is_file()
    # The demo changes: its freeze no longer matches, the page says so, nothing runs.
    _edit(project / "pkgs" / "fixture_demos" / "tiny" / "helper.py", "** 2", "** 2.0")
    site, logs = build_logged(project)
    assert len(runs(counter)) == 2
    article = _article(site)
    assert article.count("ses résultats ne sont pas figés pour cette version de son code") == 4
    assert "Résultat figé" not in article


def test_failed_run_stops_the_build_naming_the_demo_and_its_output(project: Path) -> None:
    page = project / "docs" / "guide" / "carre.md"
    page.write_text('# Échec\n\nTexte.\n\n{{< demo name="broken" >}}\n', encoding="utf-8")
    message = _failure(project)
    assert message.startswith("démo « broken » : échec (code de sortie 3)")
    assert "ligne 60\nValueError: le calcul a divergé" in message
    assert "(page guide/carre.md:5)" in message


def test_keep_last_shows_the_last_good_result_under_a_warning(project: Path) -> None:
    site, _ = build_logged(project)
    good = _article(site)
    _edit(
        project / "pkgs" / "fixture_demos" / "tiny" / "__main__.py",
        "    started = time.perf_counter()\n",
        '    raise SystemExit("boum")\n',
    )
    # on_error: stop (the default) stops the build.
    assert "échec (code de sortie 1)" in _failure(project)
    _edit(
        project / "mkdocs.yml",
        "      freeze_dir: frozen\n",
        "      freeze_dir: frozen\n      on_error: keep_last\n",
    )
    site, logs = build_logged(project)  # strict: the build succeeds
    article = _article(site)
    assert article.count('<div class="admonition warning">') == 4
    assert "a échoué (échec (code de sortie 1) après" in article
    assert re.search(r"Les résultats ci-dessous sont ceux du \d{1,2}(er)? \w+ 20\d\d", article)
    # The figures themselves are the last good ones.
    src = re.search(r'src="(\.\./\.\./demos/tiny/[^"]+)"', good)
    assert src is not None and src[1] in article
    assert any("ÉCHEC de l'exécution" in line and "keep_last" in line for line in logs)


def test_keep_last_set_on_a_directive(project: Path) -> None:
    page = project / "docs" / "guide" / "carre.md"
    page.write_text('# Carré\n\n{{< demo name="tiny" on_error="keep_last" >}}\n', "utf-8")
    build_logged(project)
    _edit(
        project / "pkgs" / "fixture_demos" / "tiny" / "helper.py",
        "return",
        "raise KeyError\n    return",
    )
    site, _ = build_logged(project)
    assert "Résultat d'une exécution précédente" in _article(site)


def test_frozen_result_is_used_when_the_cache_is_empty(
    project: Path, counter: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build_logged(project)
    common = ["--root", str(project), "--package", "fixture_demos", "--package-dir", "pkgs"]
    common += ["--freeze-dir", "frozen"]
    assert main(["demos", "freeze", "tiny", *common]) == 0
    assert main(["demos", "freeze", "tiny", "--quick", "--params", "side=3", *common]) == 0
    assert "figé dans" in capsys.readouterr().out
    shutil.rmtree(project / ".cache" / "demos")
    site, logs = build_logged(project)
    assert len(runs(counter)) == 2  # nothing ran
    lines = demo_lines(logs)
    assert len(lines) == 2 and all("résultat figé" in line for line in lines)
    article = _article(site)
    assert article.count("Résultat figé : mesuré le ") == 4
    assert "Calculé le" not in article
    src = re.search(r'src="\.\./\.\./(demos/tiny/[^"]+)"', article)
    assert src is not None and (site / src[1]).is_file()


def test_directive_error_names_the_page_and_line(project: Path) -> None:
    page = project / "docs" / "guide" / "carre.md"
    page.write_text('# Carré\n\nTexte.\n\n{{< demo name="tiny" figure="square" >}}\n', "utf-8")
    message = _failure(project)
    assert message.startswith("guide/carre.md:5: directive demo : attribut inconnu « figure »")


def test_unknown_figure_or_demo_names_the_page_and_line(project: Path) -> None:
    page = project / "docs" / "guide" / "carre.md"
    page.write_text('# Carré\n\n{{< demo name="tiny" figures="square,cercle" >}}\n', "utf-8")
    message = _failure(project)
    assert message.startswith(
        "guide/carre.md:3: démo « tiny » sans figure « cercle » (figures : square"
    )
    page.write_text('# Carré\n\n\n{{< demo name="absente" >}}\n', "utf-8")
    assert _failure(project).startswith("guide/carre.md:4: démo « absente » : démo inconnue")


def test_on_config_resolves_paths_against_mkdocs_yml(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # never the working directory
    config = site_config(project)
    plugin = config.plugins["demos"]
    assert isinstance(plugin, DemosPlugin)
    plugin.on_config(config)
    assert plugin.site.project is not None
    assert plugin.site.project.cache_dir == (project / ".cache" / "demos").resolve()
    assert plugin.site.project.freeze_dir == (project / "frozen").resolve()
    assert plugin.site.project.data_dir == (project / ".cache" / "data").resolve()
    assert plugin.site.project.layout.package_dir == (project / "pkgs" / "fixture_demos").resolve()
    assert str((project / "pkgs" / "fixture_demos").resolve()) in config.watch


def test_missing_markdown_extension_is_a_clear_error(project: Path) -> None:
    _edit(project / "mkdocs.yml", "  - md_in_html\n", "")
    config = site_config(project)
    with pytest.raises(
        PluginError, match=r"extensions Markdown requises absentes de mkdocs\.yml : md_in_html"
    ):
        config.plugins["demos"].on_config(config)


def test_the_real_site_with_directives_in_a_post_and_a_knowledge_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, counter: Path
) -> None:
    # The project's content and configuration (without the guide and the code reference).
    project = copy_small_site(tmp_path / "real")
    copy_demos(project / "pkgs")
    enabled = "      enabled: !ENV [INFOLETTRE_DEMOS, true]\n"
    _edit(
        project / "mkdocs.yml",
        enabled,
        enabled + "      package: fixture_demos\n      package_dir: pkgs\n",
    )
    # The course page's own directives name the real demos (minutes of computing): this copy
    # runs only the fixture demos.
    course = project / "content" / "connaissances" / "cours-chatbots.md"
    course.write_text(
        re.sub(r"\{\{< demo [^>]*>\}\}\n", "", course.read_text(encoding="utf-8")),
        encoding="utf-8",
    )
    # A knowledge-base page keeps its Markdown; a post goes through the shortcode converter,
    # which leaves the directive (inside a callout) for the plugin.
    _edit(
        project / "content" / "connaissances" / "cours-chatbots.md",
        "## Présentation\n",
        '## Présentation\n\n{{< demo name="tiny" figures="square" metrics="area" >}}\n',
    )
    _edit(
        project / "content" / "infolettre" / "infolettre_13" / "index.md",
        "\n---\n\n",
        '\n---\n\n{{% callout note %}}\nUne démo :\n\n{{< demo name="tiny" tables="areas" >}}\n'
        "{{% /callout %}}\n\n",
    )
    kb_page = Path("connaissances/cours-chatbots/index.html")
    post = Path("infolettre/infolettre_13/index.html")

    # As the test suite builds the site: demos off, a notice instead, nothing run.
    site, _ = build_logged(project)
    assert runs(counter) == []
    for page in (kb_page, post):
        assert DISABLED_TITLE in _article(site, page)

    monkeypatch.setenv("INFOLETTRE_DEMOS", "true")
    site, logs = build_logged(project)
    assert runs(counter) == ["tiny side=2 quick=False"]  # one run for both pages
    assert [line.split(" en ")[0] for line in demo_lines(logs)] == ["démo tiny : exécutée"]
    kb = _article(site, kb_page)
    src = re.search(r'<img alt="Carré" src="([^"]+)"', kb)
    assert src is not None and (site / kb_page.parent / src[1]).resolve().is_file()
    assert '<td><code>area</code></td>\n<td style="text-align: right;">4</td>' in kb
    article = _article(site, post)
    callout = article[article.index('<p class="admonition-title">Note</p>\n<p>Une démo :</p>') :]
    assert callout.index("<strong>Aires de quelques carrés</strong>") < callout.index("</div>")
    assert 'class="demo-provenance">Calculé le ' in callout
    for delimiter in ("{{<", ">}}"):
        assert delimiter not in kb and delimiter not in article
