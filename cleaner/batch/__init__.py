"""The batch runner: files and folders in, cleaned files out, for the command line and Dask.

Nothing here prints or exits; `cleaner.cli` turns flags into a plan and prints what comes back.
The modules, each importing only those listed before it:

- `files`: input kinds (the `KINDS` table), the decoding policy, reading (decompressed as named)
- `write`: atomic writes and --in-place backups; `jsonl`: JSON Lines records, line by line
- `manifest`: what a run into OUTDIR has finished (resuming), and the report records it keeps
- `plan`: which files, written where, refused before anything is read (`plan_run`)
- `sites`: a file's host, and an input's documents as `learn-sites` counts them
- `work`: cleaning one input, never raising (`process_file`, `process_stream`); `explain`
- `pool`: the local executor (`--jobs`); `run`: ONE run into OUTDIR for any executor (manifest,
  report, summary); `frames`: data frames; `dask`: the Dask executor and integrations
"""
