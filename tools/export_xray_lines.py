#!/usr/bin/python3
"""Writes data/xray_lines.json from HyperSpy's X-ray line database (hyperspy/misc/elements.py).

Run with Debian's Python, which has python3-hyperspy:

    /usr/bin/python3 tools/export_xray_lines.py            # writes data/xray_lines.json
    /usr/bin/python3 tools/export_xray_lines.py --check    # exit 1 if the file is not up to date

The values are HyperSpy's, verbatim (Python floats written with repr, so they read back to the
same doubles); only the layout is ours:

    {"format": "hyperchunk-xray-lines", "version": 1, "source": "...",
     "elements": {"Fe": {"Z": 26, "name": "iron", "atomic_weight": 55.845, "density_gcm3": 7.874,
                         "xray_lines": {"Ka": {"energy_keV": 6.4039, "weight": 1.0}, ...},
                         "binding_energies": {"K": {"onset_energy_eV": 7113.0, "relevance": "Minor",
                                                    "threshold": "", "edge": ""}, ...}}, ...}}

Two normalisations, both value-preserving: integer atomic weights (Ra 226, ...) are written as
floats (226.0), and the density string 'NaN' HyperSpy keeps for At and Fr becomes null.
Elements without X-ray lines (Li) have "xray_lines": {}; "binding_energies" is present only
where HyperSpy has them.
"""
import argparse
import json
import math
import pathlib
import sys

# Where HyperSpy's physical data come from (the sources hyperspy/misc/elements.py names).
REFERENCES = {
    "energy_keV": "X-ray line energies: Chantler, C.T., Olsen, K., Dragoset, R.A., Chang, J., Kishore, A.R., "
                  "Kotochigova, S.A., and Zucker, D.S. (2005), X-Ray Form Factor, Attenuation and Scattering "
                  "Tables (version 2.1), National Institute of Standards and Technology (NIST), Gaithersburg, MD, "
                  "https://physics.nist.gov/ffast",
    "weight": "approximate weights of the lines within their K, L and M families: the EPQ library (Electron "
              "Probe Quantification, N.W.M. Ritchie, NIST; the library of NIST DTSA-II)",
    "binding_energies": "edge 'threshold' and 'edge' shapes: Gatan EELS atlas, https://eels.info/atlas "
                        "(retrieved by HyperSpy in June 2020)",
    "compiled_by": "HyperSpy 1.7.3, hyperspy/misc/elements.py (GPL-3.0-or-later); only the values are taken",
}

FORMAT = "hyperchunk-xray-lines"
VERSION = 1


def convert_element(symbol, entry):
    general = entry["General_properties"]
    atomic = entry.get("Atomic_properties", {})
    density = entry.get("Physical_properties", {}).get("density (g/cm^3)")
    if isinstance(density, str):
        density = float(density)
    if density is not None and not math.isfinite(density):
        density = None
    out = {
        "Z": int(general["Z"]),
        "name": general["name"],
        "atomic_weight": float(general["atomic_weight"]),
        "density_gcm3": density,
        "xray_lines": {
            name: {"energy_keV": float(line["energy (keV)"]), "weight": float(line["weight"])}
            for name, line in atomic.get("Xray_lines", {}).items()
        },
    }
    if "Binding_energies" in atomic:
        out["binding_energies"] = {
            shell: {
                "onset_energy_eV": float(edge["onset_energy (eV)"]),
                "relevance": edge["relevance"],
                "threshold": edge["threshold"],
                "edge": edge["edge"],
            }
            for shell, edge in atomic["Binding_energies"].items()
        }
    return out


def build_document():
    import hyperspy
    from hyperspy.misc.elements import elements

    return {
        "format": FORMAT,
        "version": VERSION,
        "source": f"HyperSpy {hyperspy.__version__} elements database (hyperspy/misc/elements.py)",
        "units": {"energy_keV": "keV", "onset_energy_eV": "eV", "density_gcm3": "g/cm^3",
                  "atomic_weight": "g/mol"},
        "references": REFERENCES,
        "elements": {symbol: convert_element(symbol, entry) for symbol, entry in elements.items()},
    }


def render(document):
    return json.dumps(document, indent=1, sort_keys=True, ensure_ascii=True) + "\n"


def main():
    repo = pathlib.Path(__file__).resolve().parent.parent
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=pathlib.Path, default=repo / "data" / "xray_lines.json")
    parser.add_argument("--check", action="store_true", help="compare with --out instead of writing it")
    args = parser.parse_args()

    text = render(build_document())
    if args.check:
        current = args.out.read_text() if args.out.exists() else ""
        if current != text:
            print(f"{args.out} differs from HyperSpy's database: rerun {sys.argv[0]}", file=sys.stderr)
            return 1
        print(f"{args.out} matches HyperSpy's database")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text)
    doc = json.loads(text)
    lines = sum(len(e["xray_lines"]) for e in doc["elements"].values())
    print(f"wrote {args.out}: {len(doc['elements'])} elements, {lines} X-ray lines")
    return 0


if __name__ == "__main__":
    sys.exit(main())
