#!/bin/sh
# Pack Facilitator.app into a compressed disk image with a link to /Applications beside it
# (drag to install). Run by `python3 dev.py build` on macOS:
#   sh packaging/macos/make_dmg.sh dist/Facilitator.app dist/Facilitator-0.1.0-macos.dmg
# The app is not signed or notarised: the first time, right-click it and choose Open.
set -eu
app=$1
dmg=$2
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$app" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$dmg"
hdiutil create -volname Facilitator -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$dmg"
