// A TEST PEER, not the platform: the official Socket.IO server (npm `socket.io`, pinned by
// the package-lock) for crates/engine/tests/it/interop.rs, which drives the engine's own
// Socket.IO client against it.
//
//   node server.mjs [port]      (port 0 or none: any free one)
//
// It listens on 127.0.0.1, prints `listening <port>` as its first line, and exits when its
// standard input closes (so it never outlives the test that started it). With TLS_CERT and
// TLS_KEY (paths to PEM files) in the environment it serves HTTPS (so `wss://`) instead.
//
// Namespace `/chat`, like the platform's. The handshake's `auth.token` must be TOKEN; any
// other is refused as the platform refuses, `connect_error` `{message: "CODE: text"}`.
// Heartbeats are fast (a ping every 300 ms, 2 s to answer) so the client's pongs are needed
// within any test. Events:
//   echo (with ack)          acks {ok: true, echo: <payload>}
//   shout <payload>          emits `heard` <payload> back, without an ack
//   count_pongs {count}      emits `pinged` {pongs: count} once that many more pongs came in
//   ask <payload>            emits `question` <payload> with an ack; emits `answered` with
//                            the client's answer
//   disconnect_me {close}    disconnects the socket from the server's side (close: true
//                            closes the whole connection too)
//   disconnects {count}      acks the reasons of the sockets that disconnected so far,
//                            once there are at least `count` of them
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { Server } from "socket.io";

const TOKEN = "interop-token";
const port = Number(process.argv[2] ?? 0);
const { TLS_CERT, TLS_KEY } = process.env;

const http = TLS_CERT && TLS_KEY
  ? createTlsServer({ cert: readFileSync(TLS_CERT), key: readFileSync(TLS_KEY) })
  : createServer();
const io = new Server(http, {
  pingInterval: 300,
  pingTimeout: 2000,
  transports: ["websocket"],
});

const chat = io.of("/chat");

// Why sockets left, in order, and who waits for how many.
const reasons = [];
const reasonWaiters = [];
function settleWaiters() {
  for (const waiter of reasonWaiters.splice(0)) {
    if (reasons.length >= waiter.count) waiter.ack([...reasons]);
    else reasonWaiters.push(waiter);
  }
}

chat.use((socket, next) => {
  if (socket.handshake.auth?.token === TOKEN) {
    next();
  } else {
    next(new Error("UNAUTHORIZED: bad token"));
  }
});

chat.on("connection", (socket) => {
  let pongs = 0;
  const watches = [];
  socket.conn.on("packet", ({ type }) => {
    if (type !== "pong") return;
    pongs += 1;
    while (watches.length > 0 && watches[0].at <= pongs) {
      const watch = watches.shift();
      socket.emit("pinged", { pongs: watch.count });
    }
  });

  socket.on("echo", (payload, ack) => {
    if (typeof ack === "function") ack({ ok: true, echo: payload });
  });
  socket.on("shout", (payload) => socket.emit("heard", payload));
  socket.on("count_pongs", ({ count }) => {
    watches.push({ at: pongs + count, count });
    watches.sort((a, b) => a.at - b.at);
  });
  socket.on("ask", (payload) => {
    socket.emit("question", payload, (answer) => socket.emit("answered", answer));
  });
  socket.on("disconnect_me", ({ close } = {}) => socket.disconnect(close === true));
  socket.on("disconnects", ({ count }, ack) => {
    reasonWaiters.push({ count, ack });
    settleWaiters();
  });
  socket.on("disconnect", (reason) => {
    reasons.push(reason);
    settleWaiters();
  });
});

http.listen(port, "127.0.0.1", () => {
  console.log(`listening ${http.address().port}`);
});

process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
