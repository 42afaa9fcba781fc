"""User-facing strings: ru and en locale files, one file per area under i18n/<lang>/."""

from kiegram.i18n.translator import LANGS, Translator, load_translator, pick_lang

__all__ = ["LANGS", "Translator", "load_translator", "pick_lang"]
