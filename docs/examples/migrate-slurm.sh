#!/bin/bash
# A Slurm job array that migrates the accounts of pairs.csv in 16 slices:
#
#   sbatch migrate-slurm.sh
#
# Each array task runs one slice; `sbatch --array=3` reruns a failed one, which resumes
# from its state files. pairs.csv names the secrets as env:VARIABLE (export them in
# ~/.imap4-secrets, readable only by you) or cmd:COMMAND.
#SBATCH --job-name=imap4-migrate
#SBATCH --array=0-15
#SBATCH --cpus-per-task=2
#SBATCH --mem=512M
#SBATCH --output=logs/migrate-%a.log
set -euo pipefail
source ~/.imap4-secrets
exec imap4 --json migrate --accounts pairs.csv \
    --shard "${SLURM_ARRAY_TASK_ID}/16" --jobs 4 \
    --state-dir "state/shard-${SLURM_ARRAY_TASK_ID}" \
    > "reports/migrate-${SLURM_ARRAY_TASK_ID}.jsonl"
