"""Draw the site's default link-preview image (``og:image`` of pages without a cover).

Usage: python tools/share_image.py [--out docs/assets/partage.png]

Used once to make ``docs/assets/partage.png`` (1200 × 630 pixels, the size link previews
expect); run again after changing the site's name.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

INDIGO = "#3f51b5"


def draw(out: Path) -> None:
    figure = plt.figure(figsize=(12, 6.3), dpi=100)
    figure.patch.set_facecolor(INDIGO)
    figure.text(0.07, 0.62, "Infolettre", color="white", fontsize=72, weight="bold")
    figure.text(0.07, 0.46, "du réseau des data scientists", color="white", fontsize=40)
    figure.text(
        0.07,
        0.22,
        "L'infolettre, la veille et la base de connaissances\n"
        "du réseau des data scientists de la statistique publique",
        color="#e8eaf6",
        fontsize=24,
        linespacing=1.5,
    )
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, facecolor=INDIGO, metadata={"Software": None})
    plt.close(figure)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/assets/partage.png"))
    args = parser.parse_args()
    draw(args.out)
    print(args.out)


if __name__ == "__main__":
    main()
