#!/usr/bin/env bash
# One script for a GPU session (issue 13, "Measuring on the GPU"): everything that needs the GPU, in under 6 minutes.
#
# Run from the repository root on the GPU machine, with $OUT the folder whose files come back:
#     bash benchmarks/gpu_check.sh
# It brings its own inputs in .gpu-data/ (git-ignored or untracked; prepare it on a machine that has them):
#     mkdir -p .gpu-data && cp /usr/share/datasets/fashion-mnist/*-ubyte.gz .gpu-data/
#     pip download --no-deps torchattacks==3.5.1 -d .gpu-data
# It copies the four Fashion-MNIST IDX files into /usr/share/datasets/fashion-mnist/, installs the torchattacks
# wheel into /tmp/site, and runs each step under `timeout`, appending to $OUT/log.txt: the CUDA tests, the three
# benchmarks (--json $OUT/<name>.json), `python -m mixverify figure 1a` and `pytest -n 8 tests` (no -x).
# Every step gets at most its own cap and what is left of BUDGET seconds (default 330), so the whole run ends
# in under 6 minutes whatever hangs. A step that fails or times out is logged with its exit code; the script
# goes on, and exits 0 (read the log).
#
# Try it on a CPU first (small sizes, --device cpu):  DEVICE=cpu SMALL=1 OUT=/tmp/gpu-check bash benchmarks/gpu_check.sh
set -u
OUT=${OUT:-/tmp/gpu-check}
DEVICE=${DEVICE:-cuda}
SMALL=${SMALL:-0}
BUDGET=${BUDGET:-330}
DATA_DIR=${DATA_DIR:-/usr/share/datasets/fashion-mnist}
mkdir -p "$OUT"
LOG="$OUT/log.txt"
START=$SECONDS
export PYTHONPATH="$PWD:/tmp/site${PYTHONPATH:+:$PYTHONPATH}"
export MIXVERIFY_CACHE=/tmp/mixverify-cache  # nothing reused from an earlier run
export MPLBACKEND=Agg PYTHONUNBUFFERED=1
PY=${PYTHON:-python}

log() { echo "[$(date +%H:%M:%S) +$((SECONDS - START))s] $*" | tee -a "$LOG"; }

# step NAME CAP_SECONDS COMMAND...: run under timeout (the cap, or what is left of the budget), log the exit code
step() {
    local name=$1 cap=$2
    shift 2
    local left=$((BUDGET - (SECONDS - START)))
    local limit=$((cap < left ? cap : left))
    if ((limit < 5)); then
        log "SKIP $name: budget spent"
        return
    fi
    log "START $name (timeout ${limit}s): $*"
    local t0=$SECONDS
    timeout --kill-after=5 "$limit" "$@" >>"$LOG" 2>&1
    local rc=$?
    local verdict=ok
    ((rc == 124 || rc == 137)) && verdict=TIMEOUT
    ((rc != 0 && rc != 124 && rc != 137)) && verdict=FAILED
    log "END $name: $verdict (exit $rc, $((SECONDS - t0))s)"
}

log "gpu_check: device=$DEVICE small=$SMALL budget=${BUDGET}s out=$OUT"
# inputs: Fashion-MNIST and the torchattacks wheel, from .gpu-data/
if compgen -G ".gpu-data/*-ubyte.gz" >/dev/null; then
    if mkdir -p "$DATA_DIR" 2>/dev/null && cp .gpu-data/*-ubyte.gz "$DATA_DIR"/ 2>/dev/null; then
        log "copied $(ls .gpu-data/*-ubyte.gz | wc -l) Fashion-MNIST files into $DATA_DIR"
    else
        log "could not write $DATA_DIR (not root?): Fashion-MNIST steps will fail"
    fi
else
    log "no .gpu-data/*-ubyte.gz: using whatever $DATA_DIR holds ($(ls "$DATA_DIR" 2>/dev/null | wc -l) files)"
fi
if compgen -G ".gpu-data/torchattacks-*.whl" >/dev/null; then
    step install-torchattacks 60 "$PY" -m pip install --no-index --no-deps --target /tmp/site .gpu-data/torchattacks-*.whl
else
    log "no .gpu-data/torchattacks-*.whl: bench_pgd needs torchattacks installed already"
fi

# what this machine has (after the install above, so torchattacks shows)
step environment 60 "$PY" -c "
import importlib, platform, sys, torch
print('python', sys.version.split()[0], platform.machine(), '| torch', torch.__version__, '| CUDA', torch.version.cuda)
if torch.cuda.is_available():
    print('GPU', torch.cuda.get_device_name(0), '| bf16', torch.cuda.is_bf16_supported())
for m in ('torchvision', 'sympy', 'scipy', 'numpy', 'matplotlib', 'sklearn', 'tqdm', 'filelock', 'pytest', 'hypothesis',
          'xdist', 'torchattacks'):
    try:
        print(m, getattr(importlib.import_module(m), '__version__', '?'))
    except Exception as exc:
        print(m, 'MISSING', type(exc).__name__)
"

if [[ $SMALL == 1 ]]; then
    EPOCH_ARGS=(--images 256 --width 4 --repeats 1 --step-repeats 2)
    PGD_ARGS=(--batch 32 --steps 2 --repeat 1)
    LOSS_ARGS=(--n 32 --loop-rows 4 --repeat 1)
    FIGURE_ARGS=(--preset tiny)
    TESTS=(tests/test_cuda.py tests/test_attacks.py)
else
    EPOCH_ARGS=(--images 25000 --repeats 2)
    PGD_ARGS=()
    LOSS_ARGS=()
    FIGURE_ARGS=()
    TESTS=(tests)
fi

# first the CUDA tests alone (a minute at most), so that their verdict is in the log whatever comes later
step test-cuda 90 "$PY" -m pytest -p no:cacheprovider -q -rs tests/test_cuda.py
step bench-pgd 60 "$PY" benchmarks/bench_pgd.py --device "$DEVICE" --json "$OUT/bench_pgd.json" ${PGD_ARGS[@]+"${PGD_ARGS[@]}"}
step bench-epoch-preact 75 "$PY" benchmarks/bench_epoch.py --device "$DEVICE" --model preact-resnet18 \
    --json "$OUT/bench_epoch_preact-resnet18.json" ${EPOCH_ARGS[@]+"${EPOCH_ARGS[@]}"}
step bench-epoch-wrn 75 "$PY" benchmarks/bench_epoch.py --device "$DEVICE" --model wrn-16-8 \
    --json "$OUT/bench_epoch_wrn-16-8.json" ${EPOCH_ARGS[@]+"${EPOCH_ARGS[@]}"}
step bench-mixup-loss 45 "$PY" benchmarks/bench_mixup_loss.py --device "$DEVICE" --json "$OUT/bench_mixup_loss.json" \
    ${LOSS_ARGS[@]+"${LOSS_ARGS[@]}"}
step figure-1a 90 "$PY" -m mixverify figure 1a --device "$DEVICE" --no-progress --out "$OUT/figure-1a" \
    --runs /tmp/gpu-check-runs ${FIGURE_ARGS[@]+"${FIGURE_ARGS[@]}"}
if "$PY" -c "import xdist" 2>/dev/null; then
    step pytest-suite 240 "$PY" -m pytest -p no:cacheprovider -q -rfEs -n 8 "${TESTS[@]}"
else
    log "pytest-xdist is missing: the suite runs in one process"
    step pytest-suite 240 "$PY" -m pytest -p no:cacheprovider -q -rfEs "${TESTS[@]}"
fi
log "gpu_check done in $((SECONDS - START))s"
exit 0
