"""The batch runner: files and folders in, cleaned files out, for the command line and Dask.

Nothing here prints or exits; `cleaner.cli` turns flags into a plan and prints what comes back.
The layers, each importing only those before it:

- `files`: input kinds (the `KINDS` table), the decoding policy, reading (decompressed as named)
- `write`: atomic writes and --in-place backups; `jsonl`: JSON Lines records, line by line
- `manifest`: what a run into OUTDIR has finished (resuming), and the report records it keeps
- `plan`: which files, written where, refused before anything is read (`plan_run`)
- `work`: cleaning one input, never raising (`process_file`, `process_stream`); `sites`: hosts
- `pool`: the local executor (`--jobs`); `dask`: the Dask executor and integrations
- `run`: ONE run into OUTDIR for both executors (manifest, report, summary); `explain`
"""
