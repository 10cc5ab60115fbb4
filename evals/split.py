"""Split the blind gold sets into dev (tune on it) and test (report it, never read its failures while tuning).

A case goes to dev when the first byte of sha256(id) is below 154 of 256 (about 60%): the split is fixed by the
case ids alone, so re-running this gives the same files. ``python evals/split.py`` rewrites
evals/<set>.{dev,test}.jsonl from the frozen sources
in evals/blind/.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SETS = {
    "en_blind": [
        "en_article.jsonl",
        "en_pipl.jsonl",
        "en_ndsr.jsonl",
        "en_laws3.jsonl",
        "en_laws4.jsonl",
        "en_laws5.jsonl",
        "en_laws6.jsonl",
        "en_laws7.jsonl",
        "en_laws8.jsonl",
        "en_laws9.jsonl",
        "en_laws10.jsonl",
        "en_laws11.jsonl",
        "en_laws12.jsonl",
        "en_laws13.jsonl",
        "en_laws14.jsonl",
        "en_laws15.jsonl",
        "en_laws16.jsonl",
        "en_laws17.jsonl",
        "en_laws18.jsonl",
        "en_laws19.jsonl",
        "en_laws20.jsonl",
        "en_laws21.jsonl",
        "en_laws22.jsonl",
        "en_laws23.jsonl",
        "en_laws24.jsonl",
        "en_laws25.jsonl",
        "en_laws26.jsonl",
        "en_laws27.jsonl",
        "en_laws28.jsonl",
        "en_laws29.jsonl",
        "en_laws30.jsonl",
        "en_laws31.jsonl",
        "en_laws32.jsonl",
        "en_laws33.jsonl",
        "en_laws34.jsonl",
        "en_laws35.jsonl",
        "en_laws36.jsonl",
        "en_laws37.jsonl",
    ],
    "zh_blind": [
        "zh_a.jsonl",
        "zh_b.jsonl",
        "zh_c.jsonl",
        "zh_d.jsonl",
        "zh_e.jsonl",
        "zh_f.jsonl",
        "zh_g.jsonl",
        "zh_h.jsonl",
        "zh_i.jsonl",
        "zh_j.jsonl",
        "zh_k.jsonl",
        "zh_l.jsonl",
        "zh_m.jsonl",
        "zh_n.jsonl",
        "zh_o.jsonl",
        "zh_p.jsonl",
        "zh_q.jsonl",
        "zh_r.jsonl",
        "zh_s.jsonl",
        "zh_t.jsonl",
        "zh_u.jsonl",
        "zh_v.jsonl",
        "zh_w.jsonl",
        "zh_x.jsonl",
        "zh_y.jsonl",
        "zh_z.jsonl",
        "zh_aa.jsonl",
        "zh_ab.jsonl",
        "zh_ac.jsonl",
        "zh_ad.jsonl",
        "zh_ae.jsonl",
        "zh_af.jsonl",
        "zh_ag.jsonl",
        "zh_ah.jsonl",
        "zh_ai.jsonl",
        "zh_aj.jsonl",
        "zh_ak.jsonl",
    ],
    "dialogues": [
        "dialogues.jsonl",
        "dialogues2.jsonl",
        "dialogues3.jsonl",
        "dialogues4.jsonl",
        "dialogues5.jsonl",
        "dialogues6.jsonl",
        "dialogues7.jsonl",
        "dialogues8.jsonl",
        "dialogues9.jsonl",
        "dialogues10.jsonl",
        "dialogues11.jsonl",
        "dialogues12.jsonl",
        "dialogues13.jsonl",
        "dialogues14.jsonl",
        "dialogues15.jsonl",
        "dialogues16.jsonl",
        "dialogues17.jsonl",
        "dialogues18.jsonl",
        "dialogues19.jsonl",
        "dialogues20.jsonl",
        "dialogues21.jsonl",
        "dialogues22.jsonl",
        "dialogues23.jsonl",
        "dialogues24.jsonl",
        "dialogues25.jsonl",
        "dialogues26.jsonl",
        "dialogues27.jsonl",
        "dialogues28.jsonl",
        "dialogues29.jsonl",
        "dialogues30.jsonl",
        "dialogues31.jsonl",
        "dialogues32.jsonl",
        "dialogues33.jsonl",
        "dialogues34.jsonl",
        "dialogues35.jsonl",
        "dialogues36.jsonl",
        "dialogues37.jsonl",
        "dialogues38.jsonl",
    ],
}
DEV_BELOW = 154


def is_dev(case_id: str) -> bool:
    return hashlib.sha256(case_id.encode("utf-8")).digest()[0] < DEV_BELOW


def main() -> None:
    import json

    for name, sources in SETS.items():
        lines = [
            line
            for source in sources
            for line in (HERE / "blind" / source).read_text("utf-8").splitlines()
            if line.strip()
        ]
        dev = [line for line in lines if is_dev(json.loads(line)["id"])]
        test = [line for line in lines if not is_dev(json.loads(line)["id"])]
        for split, rows in (("dev", dev), ("test", test)):
            (HERE / f"{name}.{split}.jsonl").write_text("\n".join(rows) + "\n", encoding="utf-8")
        print(f"{name}: {len(dev)} dev, {len(test)} test")


if __name__ == "__main__":
    main()
