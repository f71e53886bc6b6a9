"""argparse's own messages in French (usage, help, errors).

argparse writes its messages (``usage:``, ``options``, ``the following arguments are
required``…) through ``gettext``, and Python ships no French catalogue for them. The
command line installs these translations in argparse's module (:func:`install`): a message
without a translation stays in English, as argparse wrote it.
"""

from __future__ import annotations

import argparse

MESSAGES: dict[str, str] = {
    "usage: ": "usage : ",
    "positional arguments": "arguments positionnels",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "affiche cette aide et quitte",
    "show program's version number and exit": "affiche la version du programme et quitte",
    "subcommands": "sous-commandes",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "choix invalide : %(value)r (au choix : %(choices)s)"
    ),
    "invalid %(type)s value: %(value)r": "valeur invalide (%(type)s) : %(value)r",
    "expected one argument": "une valeur attendue",
    "expected at most one argument": "au plus une valeur attendue",
    "expected at least one argument": "au moins une valeur attendue",
    "ambiguous option: %(option)s could match %(matches)s": (
        "option ambiguë : %(option)s peut désigner %(matches)s"
    ),
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "argument explicite ignoré : %r",
    "one of the arguments %s is required": "l'un des arguments %s est obligatoire",
    "unexpected option string: %s": "option inattendue : %s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "commande inconnue %(parser_name)r (au choix : %(choices)s)"
    ),
    "can't open '%(filename)s': %(error)s": "impossible d'ouvrir « %(filename)s » : %(error)s",
}
"""argparse's messages (Python 3.11 to 3.13) and their French."""

PLURALS: dict[str, tuple[str, str]] = {
    "expected %s argument": ("%s valeur attendue", "%s valeurs attendues"),
    "conflicting option string: %s": ("option en double : %s", "options en double : %s"),
}
"""argparse's messages with a plural (by their singular): French singular and plural."""


def gettext(message: str) -> str:
    """The French of one of argparse's messages; any other text unchanged.

    argparse also passes ``None`` (a group without description): it is returned as is.
    """
    if not isinstance(message, str):
        return message
    return MESSAGES.get(message, message)


def ngettext(singular: str, plural: str, count: int) -> str:
    """The French of one of argparse's messages with a plural, for ``count`` things."""
    french = PLURALS.get(singular)
    if french is None:
        return singular if count == 1 else plural
    return french[0] if count <= 1 else french[1]


def install() -> None:
    """Make argparse write its messages in French (from now on, in this process)."""
    # argparse looks up its module's ``_`` and ``ngettext`` each time it writes a message.
    setattr(argparse, "_", gettext)  # noqa: B010 (a private name: no attribute to type)
    setattr(argparse, "ngettext", ngettext)  # noqa: B010
