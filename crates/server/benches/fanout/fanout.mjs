// Fan-out benchmark through the official socket.io-client: N sockets of one agent spread
// over R channels, a publisher sends M messages at RATE/s round-robin over the channels, each
// stamped with its send time; every receiving socket records the delay. Prints one JSON line.
// Usage: node fanout.mjs BASE N R M RATE   (needs the npm package socket.io-client@4)
// Works against switchboard-server --demo and node-ref.mjs alike.
// (Copied from shared/bench/fanout.mjs; this copy also counts duplicates per socket and the
// distinct messages delivered, and numbers each message, so loss and repeats are told apart.)
import { io } from "socket.io-client";
const [base, N = 1000, R = 100, M = 2000, RATE = 200] = process.argv.slice(2).map((v, i) => (i ? Number(v) : v));
const call = async (method, path, body, token) => {
  const r = await fetch(base + path, { method, headers: { "content-type": "application/json", ...(token ? { authorization: "Bearer " + token } : {}) }, body: body ? JSON.stringify(body) : undefined });
  return r.json();
};
const login = (email) => call("POST", "/api/auth/login", { email, password: "switchboard" });
const A = await login("admin@acme.test");
// Receivers are a super admin who is a member of no bench channel: each message reaches exactly
// the sockets that joined its room (the org admin who creates the channels is a member, and a
// member hears each message on every one of their sessions, which would multiply deliveries).
const RX = await login("root@switchboard.test");
const chans = [];
for (let i = 0; i < R; i++) chans.push((await call("POST", "/api/chat/channels", { type: "TEAM", subject: `bench ${i}` }, A.accessToken)).id);
const delays = []; let got = 0; let duplicated = 0; const distinct = new Set();
const sockets = [];
const connect = (tok = RX.accessToken) => new Promise((res, rej) => {
  const s = io(base + "/chat", { transports: ["websocket"], auth: { token: tok }, reconnection: false, forceNew: true });
  s.on("connect", () => res(s)); s.on("connect_error", rej);
});
for (let i = 0; i < N; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, N - i) }, () => connect()));
  for (const s of batch) {
    const k = sockets.length; sockets.push(s);
    await new Promise((r) => s.emit("join_channel", { channelId: chans[k % R] }, r));
    const seen = new Set();
    s.on("new_message", (d) => {
      const content = String(d.message.content); const t = Number(content.split(" ")[1]); if (!t) return;
      if (seen.has(content)) { duplicated++; return; }
      seen.add(content); distinct.add(content); delays.push(performance.now() - t); got++;
    });
  }
}
const pub = await connect(A.accessToken);
const perRoom = Array.from({ length: R }, (_, r) => sockets.filter((_, k) => k % R === r).length);
const expected = Array.from({ length: M }, (_, j) => perRoom[j % R]).reduce((a, b) => a + b, 0);
const t0 = performance.now(); const gap = 1000 / RATE;
for (let j = 0; j < M; j++) {
  const due = t0 + j * gap; const wait = due - performance.now(); if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  pub.emit("send_message", { channelId: chans[j % R], content: `t ${performance.now()} ${j}`, clientMessageId: crypto.randomUUID() });
}
const deadline = performance.now() + 15000;
while (got < expected && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const secs = (performance.now() - t0) / 1000;
delays.sort((a, b) => a - b);
const q = (p) => delays.length ? +delays[Math.min(delays.length - 1, Math.floor(p * delays.length))].toFixed(2) : null;
console.log(JSON.stringify({ base, sockets: N, rooms: R, messages: M, rate: RATE, expected, delivered: got, lost: expected - got, duplicated, distinct_messages: distinct.size, p50_ms: q(0.5), p99_ms: q(0.99), max_ms: q(1), deliveries_per_s: Math.round(got / secs) }));
for (const s of [...sockets, pub]) s.close();
process.exit(0);
