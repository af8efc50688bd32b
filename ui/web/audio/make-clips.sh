#!/bin/sh
# Makes the display's announcement clips offline, once: espeak-ng speaks each word (Arabic voice
# `ar`, English `en`), sox trims and joins them into one sprite per language, opusenc compresses.
# clips.json gives each clip's offset and length in seconds. Nothing here uses the network.
# Needs: apt-get install espeak-ng sox opus-tools. Run from this directory: sh make-clips.sh
set -eu
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
RATE=24000

say() { # lang key text
    espeak-ng -v "$1" -s 150 -w "$tmp/raw.wav" "$3"
    sox "$tmp/raw.wav" -r $RATE -c 1 "$tmp/$1-$2.wav" silence 1 0.02 0.5% reverse silence 1 0.02 0.5% reverse
}

for lang in ar en; do
    n=0
    while [ $n -le 99 ]; do say $lang "n$n" "$n"; n=$((n + 1)); done
    h=1
    while [ $h -le 9 ]; do say $lang "h$h" "${h}00"; say $lang "t$h" "${h}000"; h=$((h + 1)); done
done
# Service letters A-Z: Latin letters read out in each language. Arabic uses the usual spoken names;
# P is "پي" (with p) so it is not heard as B.
for l in A B C D E F G H I J K L M N O P Q R S T U V W X Y Z; do say en $l "$l"; done
set -- A "إيه" B "بي" C "سي" D "دي" E "إي" F "إف" G "جي" H "إتش" I "آي" J "جيه" K "كيه" L "إل" M "إم" \
    N "إن" O "أو" P "پي" Q "كيو" R "آر" S "إس" T "تي" U "يو" V "في" W "دبليو" X "إكس" Y "وايْ" Z "زِد"
while [ $# -gt 0 ]; do say ar "$1" "$2"; shift 2; done
say en ticket "Ticket number"; say en desk "desk"; say en and "and"
say ar ticket "رقم"; say ar desk "مكتب"; say ar and "وَ"

sox -n -r $RATE -c 1 "$tmp/gap.wav" trim 0 0.06
printf '{' > clips.json
first=1
for lang in ar en; do
    [ $first = 1 ] || printf ',' >> clips.json
    first=0
    printf '"%s":{' "$lang" >> clips.json
    files=""
    at=0
    sep=""
    for f in "$tmp/$lang"-*.wav; do
        key=$(basename "$f" .wav); key=${key#"$lang"-}
        len=$(soxi -D "$f")
        printf '%s"%s":[%.3f,%.3f]' "$sep" "$key" "$at" "$len" >> clips.json
        sep=","
        files="$files $f $tmp/gap.wav"
        at=$(echo "$at + $len + 0.06" | bc -l)
    done
    printf '}' >> clips.json
    # shellcheck disable=SC2086
    sox $files -b 16 "$tmp/$lang.wav"
    opusenc --quiet --bitrate 14 --speech "$tmp/$lang.wav" "$lang.ogg"
done
printf '}\n' >> clips.json
# A two-tone chime before every announcement.
sox -n -r $RATE -c 1 -b 16 "$tmp/chime.wav" synth 0.45 sine 880 fade q 0.01 0.45 0.4 : synth 0.7 sine 660 fade q 0.01 0.7 0.65 vol 0.7
opusenc --quiet --bitrate 32 "$tmp/chime.wav" chime.ogg
ls -l ./*.ogg clips.json
