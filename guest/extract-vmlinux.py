#!/usr/bin/python3
"""Write the uncompressed ELF kernel (vmlinux) hidden inside an XZ-compressed x86 bzImage.

Usage: extract-vmlinux.py BZIMAGE VMLINUX

The bzImage carries its payload as an XZ stream somewhere after the setup code. We try
every XZ stream magic in the file and keep the first one that decompresses to an ELF
image; anything after the end of the stream (the rest of the bzImage, signatures) is
ignored by the decompressor. Only the standard library is used so that Debian's
/usr/bin/python3 is enough.
"""
import lzma
import os
import sys

XZ_MAGIC = b"\xfd7zXZ\x00"
ELF_MAGIC = b"\x7fELF"


def find_elf(image: bytes) -> bytes:
    start = image.find(XZ_MAGIC)
    while start >= 0:
        try:
            out = lzma.LZMADecompressor(format=lzma.FORMAT_XZ).decompress(image[start:])
        except lzma.LZMAError:
            out = b""
        if out.startswith(ELF_MAGIC):
            return out
        start = image.find(XZ_MAGIC, start + 1)
    raise SystemExit("extract-vmlinux: no XZ stream holding an ELF image found")


def main() -> None:
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    src, dst = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        elf = find_elf(f.read())
    tmp = dst + ".tmp"
    with open(tmp, "wb") as f:
        f.write(elf)
    os.replace(tmp, dst)


if __name__ == "__main__":
    main()
