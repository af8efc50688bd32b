#!/bin/sh
# Makes the web pages' fonts, ui/web/fonts/*.woff2, from the TTF files beside this script.
# Run once by hand when a TTF changes, and commit the result: nothing in the build or the tests
# needs fonttools. The kiosk and the printer keep using the TTF files themselves.
#
#   python3 -m venv /tmp/ft && /tmp/ft/bin/pip install fonttools brotli   # fonttools 4.68.0 used
#   PYFTSUBSET=/tmp/ft/bin/pyftsubset ui/fonts/subset.sh
#
# Subset by Unicode blocks, never by the pages' current text, so that any service name a branch
# configures still renders: every Arabic block with the presentation forms, and Basic Latin with
# Latin-1. Every OpenType layout feature is kept (Arabic joining, ligatures and mark placement
# need them). Hinting is dropped (browsers on phones ignore it); the name table is kept whole, so
# each file carries its copyright and licence notice (SIL OFL 1.1, in OFL.txt).
#
# The ranges below are also the `unicode-range` of each face in ui/web/common.css: keep them equal.
set -eu
cd "$(dirname "$0")"
out=../web/fonts
mkdir -p "$out"
pyftsubset=${PYFTSUBSET:-pyftsubset}

# Arabic, Arabic Supplement, Arabic Extended-B and -A, Presentation Forms-A and -B; the
# joiners and bidi marks Arabic text uses; the dotted circle shaping shows under a lone mark;
# and the few Latin characters Noto Naskh draws itself (space, digits, . , : ! and guillemets,
# hyphens), so an Arabic line keeps one face for them as it did with the TTF.
arabic="U+0600-06FF,U+0750-077F,U+0870-08FF,U+FB50-FDFF,U+FE70-FEFF,U+200B-200F,U+25CC"
arabic="$arabic,U+0020-0021,U+002C,U+002E,U+0030-003A,U+00A0,U+00AB,U+00BB,U+2010-2011,U+204F,U+2E41"
# Basic Latin and Latin-1 (digits and punctuation included), general punctuation (dashes,
# quotes, ellipsis), euro, trade mark, minus: Google Fonts' "latin" subset.
latin="U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD"

subset() { # source.ttf ranges
    "$pyftsubset" "$1" --unicodes="$2" --layout-features='*' --name-IDs='*' --name-languages='*' \
        --no-hinting --desubroutinize --flavor=woff2 --output-file="$out/${1%.ttf}.woff2"
}
subset NotoNaskhArabic-Regular.ttf "$arabic"
subset NotoNaskhArabic-Bold.ttf "$arabic"
subset NotoSans-Regular.ttf "$latin"
subset NotoSans-Bold.ttf "$latin"
cp OFL.txt "$out/OFL.txt"
ls -l "$out"
