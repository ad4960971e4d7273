#!/usr/bin/env node
/*
 * hh_trace.mjs: run a case file on the JavaScript port and print its trace as CSV.
 *
 *     node js/hh_trace.mjs [--spikes SPIKES.txt] CASE.json [OUT.csv]
 *
 * The JavaScript port's conformance-protocol command (spec §11.4), the twin of
 * c/hh_trace.c: it reads a case file (spec §10.1, js/case_file.mjs), runs it
 * with js/pyhh.mjs, and writes the header t,V,m,h,n,I_Na,I_K,I_L,I_stim and one
 * line per recorded row (js/trace.mjs);
 * with --spikes, also the every-step spike times, one per line.
 * A cable case file (spec §13.10) is run with js/cable.mjs and written with the
 * columns of §13.11; --spikes then writes each site's arrival times, a line per site (§13.13).
 * Exit status (spec §11.4): 0 success; 2 a usage error, a case file that cannot
 * be read or is invalid (the message names the key); 3 the run left the finite
 * range (the message names the step); 1 too many rows to allocate, or an output
 * that cannot be written.
 *
 * Grade it: .venv/bin/pyhh conform -- node js/hh_trace.mjs
 */

import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";

import { run_cable } from "./cable.mjs";
import { CaseFileError, MAX_CASE_FILE_BYTES, read_case_bytes, too_large } from "./case_file.mjs";
import { InvalidInputError, NumericalInstabilityError, run } from "./pyhh.mjs";
import { trace_pieces } from "./trace.mjs";

const USAGE = "usage: node js/hh_trace.mjs [--spikes SPIKES.txt] CASE.json [OUT.csv]";

/* What --spikes writes (§11.4, §13.13): a patch's every-step spike times, one a line; a
   cable's arrival times (§13.8), one line per site, the times separated by commas. */
function spike_lines(result) {
    if (result.arrivals !== undefined)
        return result.arrivals.map((times) => times.map(String).join(",") + "\n").join("");
    return (result.spikes ?? []).map((t) => String(t) + "\n").join("");
}

/* The command line: { spikes, casePath, outPath }, or null if it is not understood. */
function parse_arguments(args) {
    let spikes = null;
    if (args.length >= 3 && args[0] === "--spikes") {
        spikes = args[1];
        args = args.slice(2);
    }
    if (args.length < 1 || args.length > 2 || args[0].startsWith("--"))
        return null;
    return { spikes, casePath: args[0], outPath: args[1] ?? null };
}

/* Read, run and write; returns the exit status. */
function main(args) {
    const command = parse_arguments(args);
    if (command === null) {
        process.stderr.write(USAGE + "\n");
        return 2;
    }
    const { spikes, casePath, outPath } = command;
    let result;
    try {
        let bytes;
        try { /* any failure to read (ENOENT, ENOTDIR, ELOOP, ENAMETOOLONG, EACCES, EISDIR...) is one line, status 2 */
            const stat = statSync(casePath);
            if (!stat.isFile())
                throw new CaseFileError("cannot read the case file: not a regular file");
            if (stat.size > MAX_CASE_FILE_BYTES) /* refused unread (§10.1) */
                throw new CaseFileError(too_large(stat.size));
            bytes = readFileSync(casePath);
        } catch (error) {
            if (error instanceof CaseFileError)
                throw error;
            throw new CaseFileError(`cannot read the case file: ${error?.code ?? String(error?.message).split("\n")[0]}`);
        }
        const c = read_case_bytes(bytes);
        result = c.model === "cable" ? run_cable(c) : run(c); /* a cable case (§13.10) or a patch case */
    } catch (error) {
        if (error instanceof CaseFileError || error instanceof InvalidInputError) {
            process.stderr.write(`${casePath}: ${error.message}\n`);
            return 2;
        }
        if (error instanceof NumericalInstabilityError) {
            process.stderr.write(`${casePath}: ${error.message}\n`);
            return 3;
        }
        if (error instanceof RangeError) { /* rows too many to allocate: the port's own trouble (§11.4) */
            process.stderr.write(`${casePath}: out of memory: ${error.message}\n`);
            return 1;
        }
        throw error;
    }
    try {
        if (spikes !== null)
            writeFileSync(spikes, spike_lines(result));
        if (outPath !== null) {
            const fd = openSync(outPath, "w");
            try {
                for (const piece of trace_pieces(result))
                    writeSync(fd, piece);
            } finally {
                closeSync(fd);
            }
        } else {
            for (const piece of trace_pieces(result))
                process.stdout.write(piece);
        }
    } catch (error) {
        process.stderr.write(`${error.path ?? "output"}: cannot write: ${error.code ?? error.message}\n`);
        return 1;
    }
    return 0;
}

/* standard output closed early (EPIPE): one line and status 1, not an uncaught error */
process.stdout.on("error", (error) => {
    process.stderr.write(`standard output: cannot write: ${error.code ?? error.message}\n`);
    process.exit(1);
});
process.exitCode = main(process.argv.slice(2));
