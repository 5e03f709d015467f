#!/usr/bin/env bash
# Quality against training time (issue #22): trains each model for fixed wall-clock budgets and seeds,
# measures each with `scratch eval --json`, and writes a markdown table and a CSV.
#
#   bench/quality.sh [MODEL...]        (default: vanilla lsgan dcgan wgan wgan-gp infogan)
#
# Environment: QUALITY_MINUTES  budgets in minutes, ascending       (default "2 5 15")
#              QUALITY_ITERATIONS  budgets in iterations instead, ascending (e.g. "1000 2500 5000", #33's InfoGAN
#                               protocol); each resume trains up to the next count (train --iterations)
#              SEEDS            training seeds                       (default "1 2 3")
#              EVAL_N           samples per evaluation               (default 10000, scratch eval's)
#              DEVICE           training and evaluation device       (default cpu)
#              QUALITY_OUT      output folder                        (default runs/quality-DATE)
#              TRAIN_ARGS       extra `scratch train` flags for every run, to measure a recipe change
#                               against the defaults (e.g. "--batch-size 64")                (default none)
#              SCRATCH_BIN      the CLI to run (another build, to compare code changes) (default this checkout's)
#              PICK_OF          infogan with QUALITY_ITERATIONS: each seed s starts PICK_OF runs (seeds s, s+1000, s+2000 …)
#                               (at least 3) to PICK_AT iterations, `scratch pick` keeps one without labels, and only it goes on
#                               through the budgets, which count the start's iterations too (default 1: no pick)
#              PICK_AT          iterations of each start before the pick               (default 250)
#
# With QUALITY_ITERATIONS, running it again with the same QUALITY_OUT continues an interrupted run: a start that
# finished (START.done beside it) is not trained again, nor a budget that was trained (RUN-B.trained) or measured
# (RUN-B.eval.json that reads back); the rest trains from the run's latest checkpoint. Budgets in minutes start over.
#
# One run per model and seed: it trains to the first budget, is evaluated, then resumes (--resume
# --minutes, or --iterations) up to the next budget, and so on. Resuming is exact on the CPU backends and evaluation
# time is not counted, so the 5-minute row is what a 5-minute run gives, for a third less machine time.
# A run that fails is reported and skipped (its later budgets too); the others go on.
# "digits?" is the sweep's rule (src/Gan/Sweeps/DigitsRule.cs, docs/evaluation.md): O when the
# Inception score is at least 5 and at least 9 of the 10 classes are covered.
set -uo pipefail
cd "$(dirname "$0")/.."
scratch=${SCRATCH_BIN:-src/Gan/bin/Release/net10.0/scratch}
read -r -a train_args <<< "${TRAIN_ARGS:-}"
if [[ ! -x $scratch ]]; then echo "quality.sh: $scratch is missing; build it first: dotnet build src/Gan -c Release" >&2; exit 2; fi
command -v python3 >/dev/null || { echo "quality.sh: needs python3 (to read scratch eval's JSON)" >&2; exit 2; }

models=${*:-vanilla lsgan dcgan wgan wgan-gp infogan}
if [[ -n ${QUALITY_ITERATIONS:-} ]]; then unit=iterations budgets=$QUALITY_ITERATIONS; else unit=minutes budgets=${QUALITY_MINUTES:-2 5 15}; fi
seeds=${SEEDS:-1 2 3}
eval_n=${EVAL_N:-10000}
device=${DEVICE:-cpu}
out=${QUALITY_OUT:-runs/quality-$(date -u +%Y%m%d-%H%M%S)}
pick_of=${PICK_OF:-1} pick_at=${PICK_AT:-250}
min_is=5 min_classes=9   # DigitsRule.MinInceptionScore, DigitsRule.MinClassesCovered (a test keeps them equal)

for m in $models; do
  case " vanilla lsgan dcgan dcgan64 wgan wgan-gp infogan " in *" $m "*) ;; *) echo "quality.sh: unknown model '$m'" >&2; exit 2 ;; esac
done
prev=0
for b in $budgets; do
  if ! awk -v b="$b" -v p="$prev" 'BEGIN { exit !(b + 0 > p + 0) }'; then
    echo "quality.sh: the budgets ($unit) must be positive numbers in ascending order (got '$budgets')" >&2; exit 2
  fi
  if [[ $unit == iterations && ! $b =~ ^[0-9]+$ ]]; then echo "quality.sh: QUALITY_ITERATIONS must be whole numbers (got '$b')" >&2; exit 2; fi
  prev=$b
done
if [[ ! $pick_of =~ ^[1-9][0-9]*$ || ! $pick_at =~ ^[1-9][0-9]*$ ]]; then
  echo "quality.sh: PICK_OF and PICK_AT must be positive whole numbers (got '$pick_of', '$pick_at')" >&2; exit 2
fi
if (( pick_of == 2 )); then echo "quality.sh: PICK_OF must be 1 (no pick) or at least 3: each start is compared with the others" >&2; exit 2; fi
if (( pick_of > 1 )); then
  [[ $unit == iterations ]] || { echo "quality.sh: PICK_OF needs QUALITY_ITERATIONS (starts are compared at the same iteration)" >&2; exit 2; }
  [[ $models == infogan ]] || { echo "quality.sh: PICK_OF picks among infogan runs only (got models '$models')" >&2; exit 2; }
  first=${budgets%% *}
  (( pick_at < first )) || { echo "quality.sh: PICK_AT ($pick_at) must be below the first budget ($first)" >&2; exit 2; }
fi
[[ $unit == minutes && -d $out/runs ]] && { echo "quality.sh: $out holds an earlier run; minute budgets cannot continue it (give another QUALITY_OUT)" >&2; exit 2; }
mkdir -p "$out/runs" || exit 2
csv=$out/quality.csv
echo "model,budget,seed,status,epoch,iteration,inception_score,frechet,classes_covered,q_real_accuracy,q_real_information,code_accuracy,digits" > "$csv"
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //'); cpu=${cpu:-$(uname -m)}
machine="$(nproc) cores, $cpu, device $device"
started=$(date -u '+%Y-%m-%d %H:%M UTC')
picks=""
(( pick_of > 1 )) && picks="pick of $pick_of starts at $pick_at iterations"
echo "quality.sh: models [$models], budgets [$budgets] $unit, seeds [$seeds], eval n $eval_n${TRAIN_ARGS:+, train flags [$TRAIN_ARGS]}${picks:+, $picks}; $machine; into $out"

for m in $models; do
  for s in $seeds; do
    run=$out/runs/$m-seed$s
    done_budget=0 ok=1
    if (( pick_of > 1 )); then
      # Several starts of the same recipe; the one whose Q sorts real digits most like the others do is kept (no labels).
      starts=()
      for ((j = 0; j < pick_of; j++)); do
        start=$run-start$((s + 1000 * j))
        starts+=("$start")
        [[ -f $start.done ]] && { echo "$m seed $s: start $(basename "$start") was trained by an earlier call"; continue; }
        rm -rf "$start"   # an interrupted start begins again
        if "$scratch" train --model "$m" --seed $((s + 1000 * j)) --iterations "$pick_at" --device "$device" --out "$start" \
             --sample-every 0 --checkpoint-every 0 "${train_args[@]}" > "$start.log" 2>&1; then touch "$start.done"
        else echo "$m seed $s: start $start FAILED: $(tail -n 1 "$start.log")"; fi
      done
      # pick's JSON names the kept checkpoint (RUN/checkpoints/latest.safetensors) and says why: one line each.
      if "$scratch" pick "${starts[@]}" --json --device "$device" > "$run-pick.json" 2> "$run-pick.log" &&
         { read -r kept; read -r why; } < <(python3 -c 'import json, os, sys; j = json.load(open(sys.argv[1]))
print(os.path.dirname(os.path.dirname(j["kept"]))); print(j["why"])' "$run-pick.json") && [[ -n $kept ]]; then
        echo "$m seed $s: kept $(basename "$kept") of $pick_of starts: $why"
        run=$kept done_budget=$pick_at
      else
        echo "$m seed $s: FAILED picking among the starts: $(tail -n 1 "$run-pick.log")"; ok=0
      fi
    fi
    for b in $budgets; do
      tag="$m $b $unit seed $s"
      if (( ! ok )); then
        echo "$m,$b,$s,skipped,,,,,,,,," >> "$csv"; echo "$tag: skipped (an earlier step of this run failed)"; continue
      fi
      more=$(awk -v b="$b" -v d="$done_budget" 'BEGIN { printf "%.6g", b - d }')
      log=$run-$b.log
      json=$run-$b.eval.json
      # Minutes count each invocation, so a resume gets the difference; iterations count the run, so it gets the budget.
      if [[ $unit == minutes ]]; then until=(--minutes "$more" --epochs 100000); else until=(--iterations "$b"); fi
      if [[ -f $run-$b.trained ]]; then
        rc=0; echo "$tag: trained by an earlier call"
      elif [[ $done_budget == 0 && ! -f $run/checkpoints/latest.safetensors ]]; then
        rm -rf "$run"   # nothing to continue from
        "$scratch" train --model "$m" --seed "$s" "${until[@]}" --device "$device" --out "$run" --sample-every 0 --checkpoint-every 0 "${train_args[@]}" > "$log" 2>&1
        rc=$?
      else
        "$scratch" train --resume "$run" "${until[@]}" --device "$device" > "$log" 2>&1
        rc=$?
      fi
      if (( rc != 0 )) || [[ ! -f $run/checkpoints/latest.safetensors ]]; then
        echo "$m,$b,$s,train-failed,,,,,,,,," >> "$csv"; echo "$tag: FAILED training (exit $rc): $(tail -n 1 "$log")"; ok=0; continue
      fi
      [[ $unit == iterations ]] && touch "$run-$b.trained"
      done_budget=$b
      if python3 -c 'import json, sys; json.load(open(sys.argv[1]))["generated"]' "$json" 2>/dev/null && [[ -f $run-$b.trained ]]; then
        echo "$tag: measured by an earlier call"
      elif ! "$scratch" eval --checkpoint "$run/checkpoints/latest.safetensors" --json --n "$eval_n" --device "$device" > "$json" 2>> "$log"; then
        echo "$m,$b,$s,eval-failed,,,,,,,,," >> "$csv"; echo "$tag: FAILED evaluation: $(tail -n 1 "$log")"; continue
      fi
      row=$(python3 - "$json" "$min_is" "$min_classes" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); g = r["generated"]
codes = r.get("codes") or {}
acc, q_real = codes.get("accuracy"), codes.get("q_real_accuracy")   # generated code accuracy; Q on real held-out digits
q_info = codes.get("q_real_information")                            # the same digits, label-free
digits = "O" if g["inception_score"] >= float(sys.argv[2]) and g["classes_covered"] >= int(sys.argv[3]) else "X"
print(",".join(str(v) for v in [r["epoch"], r["iteration"], round(g["inception_score"], 4), round(g["frechet"], 4), g["classes_covered"],
                                "" if q_real is None else round(q_real, 4), "" if q_info is None else round(q_info, 4),
                                "" if acc is None else round(acc, 4), digits]))
PY
      ) || { echo "$m,$b,$s,eval-unreadable,,,,,,,,," >> "$csv"; echo "$tag: FAILED reading $json"; continue; }
      echo "$m,$b,$s,ok,$row" >> "$csv"
      IFS=, read -r ep it is fd cl qreal qinfo acc dg <<< "$row"
      echo "$tag: IS $is, Fréchet $fd, classes $cl/10${qreal:+, Q on real digits $qreal}${acc:+, generated code accuracy $acc}, digits? $dg (iteration $it, epoch $ep)"
    done
  done
done

md=$out/quality.md
python3 - "$csv" "$machine${TRAIN_ARGS:+; train flags $TRAIN_ARGS}${picks:+; $picks}" "$started" "$eval_n" "$unit" > "$md" <<'PY'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def cell(vals, digits):
    vals = [float(v) for v in vals if v != ""]
    if not vals: return "—"
    m = statistics.mean(vals)
    return f"{m:.{digits}f}" + (f" ± {statistics.stdev(vals):.{digits}f}" if len(vals) > 1 else "")
print(f"Quality against training time: {sys.argv[2]}; started {sys.argv[3]}; `scratch eval --json --n {sys.argv[4]}` (embedded classifier).")
print("Mean ± standard deviation over the seeds that finished; digits? counts the seeds marked O (IS ≥ 5 and ≥ 9 classes).\n")
print(f"| model | {sys.argv[5]} | seeds ok | iterations | IS | Fréchet distance | classes | Q on real digits | generated code accuracy | digits? |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
keys = []
for r in rows:
    if (r["model"], r["budget"]) not in keys: keys.append((r["model"], r["budget"]))
for model, budget in keys:
    group = [r for r in rows if (r["model"], r["budget"]) == (model, budget)]
    ok = [r for r in group if r["status"] == "ok"]
    acc = cell([r["code_accuracy"] for r in ok], 3) if model == "infogan" else ""
    q_real = cell([r["q_real_accuracy"] for r in ok], 3) if model == "infogan" else ""
    digits = f"{sum(r['digits'] == 'O' for r in ok)}/{len(ok)} O" if ok else "—"
    print(f"| {model} | {budget} | {len(ok)}/{len(group)} | {cell([r['iteration'] for r in ok], 0)} | {cell([r['inception_score'] for r in ok], 2)} | "
          f"{cell([r['frechet'] for r in ok], 1)} | {cell([r['classes_covered'] for r in ok], 1)} | {q_real} | {acc} | {digits} |")
PY
echo "quality.sh: table in $md, per-run rows in $csv"
