#!/bin/bash
# Install what building, checking and booting the series needs (Debian 12, root).
# Quiet and quick when everything is already there.
set -euo pipefail

pkgs=(
	linux-source-6.12
	gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu libc6-dev-arm64-cross
	qemu-system-arm
	sparse coccinelle ocaml-nox
	make flex bison bc libssl-dev libelf-dev python3 python3-ply python3-git perl
	git ccache cpio xz-utils kmod rsync
)

missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
