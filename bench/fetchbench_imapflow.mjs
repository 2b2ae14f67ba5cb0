// imapflow's side of bench/fetchbench (started by fetchbench, one process per measurement;
// `npm install` in bench/ first, bench/run-fetch does it).
//
//     node fetchbench_imapflow.mjs imapflow F1|F2
//
// Host, port, user and password come from FETCHBENCH_HOST / _PORT / _USER / _PASS. Plain
// TCP, STARTTLS off (loopback). Connects, logs in and opens the mailbox read-only (EXAMINE;
// untimed), reads VmRSS, times `client.fetch('1:*', query, {uid: true})` consumed message
// by message, reads VmHWM, logs out and prints one JSON line
// {"ms", "cpu_ms" (process CPU time, all threads), "count", "sum", "rss_before_kb", "hwm_after_kb"} (or {"error": ...}).
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { ImapFlow } from 'imapflow';

const QUERY = {
    F1: { uid: true, flags: true, internalDate: true, size: true, envelope: true, bodyStructure: true },
    F2: { source: true }
};
const MAILBOX = { F1: 'INBOX', F2: 'Bodies' };

function procKb(field) {
    const line = readFileSync('/proc/self/status', 'utf8')
        .split('\n')
        .find(l => l.startsWith(field + ':'));
    return line ? parseInt(line.split(/\s+/)[1], 10) : 0;
}

const w = process.argv[3];
const client = new ImapFlow({
    host: process.env.FETCHBENCH_HOST || '127.0.0.1',
    port: parseInt(process.env.FETCHBENCH_PORT, 10),
    secure: false,
    doSTARTTLS: false,
    disableAutoIdle: true,
    logger: false,
    auth: { user: process.env.FETCHBENCH_USER, pass: process.env.FETCHBENCH_PASS }
});
let out;
try {
    await client.connect();
    await client.mailboxOpen(MAILBOX[w], { readOnly: true });
    const rssBefore = procKb('VmRSS');
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let count = 0;
    let sum = 0;
    for await (const m of client.fetch('1:*', QUERY[w], { uid: true })) {
        if (w === 'F1') {
            if (!m.envelope || !m.bodyStructure || !m.uid) {
                throw new Error(`message ${m.seq}: incomplete`);
            }
            sum += m.size;
        } else {
            sum += m.source.length;
        }
        count++;
    }
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(c0);
    out = { ms, cpu_ms: (cpu.user + cpu.system) / 1000, count, sum, rss_before_kb: rssBefore, hwm_after_kb: procKb('VmHWM') };
    await client.logout();
} catch (e) {
    out = { error: String(e && e.stack ? e.stack : e) };
}
console.log(JSON.stringify(out));
process.exit(0);
