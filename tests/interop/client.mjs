// The official Socket.IO client against the Switchboard gateway. Given the server's URL,
// tokens and a channel in the environment, it walks the contract and prints one JSON
// line per step; any deviation exits non-zero with the reason.
import { io } from "socket.io-client";

const { SERVER, ALICE_TOKEN, ADMIN_TOKEN, EXPIRED_TOKEN, CHANNEL_ID } = process.env;
const PATIENCE_MS = 15000;

function report(step, data) {
  console.log(JSON.stringify({ step, ...data }));
}

function fail(message) {
  console.error(`interop: ${message}`);
  process.exit(1);
}

function within(promise, what) {
  return Promise.race([
    promise,
    new Promise((_, reject) => setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), PATIENCE_MS)),
  ]);
}

function open(auth) {
  return io(`${SERVER}/chat`, { path: "/socket.io", auth, transports: ["websocket"], reconnection: false, forceNew: true });
}

function refusal(auth) {
  const socket = open(auth);
  return within(
    new Promise((resolve, reject) => {
      socket.on("connect", () => reject(new Error("the server accepted a bad handshake")));
      socket.on("connect_error", (error) => {
        socket.close();
        resolve(error.message);
      });
    }),
    "connect_error",
  );
}

function connected(auth) {
  const socket = open(auth);
  return within(
    new Promise((resolve, reject) => {
      socket.on("connect", () => resolve(socket));
      socket.on("connect_error", (error) => reject(new Error(`refused: ${error.message}`)));
    }),
    "connect",
  );
}

function next(socket, event) {
  return within(new Promise((resolve) => socket.once(event, resolve)), event);
}

try {
  report("refused-without-token", { message: await refusal({}) });
  report("refused-expired", { message: await refusal({ token: EXPIRED_TOKEN }) });

  const alice = await connected({ token: ALICE_TOKEN });
  const admin = await connected({ token: ADMIN_TOKEN });
  report("connected", { alice: alice.id !== undefined, admin: admin.id !== undefined });

  const joined = next(admin, "joined_channel");
  const joinAck = await within(admin.emitWithAck("join_channel", { channelId: CHANNEL_ID }), "join ack");
  report("joined", { ack: joinAck, event: await joined });
  await within(alice.emitWithAck("join_channel", { channelId: CHANNEL_ID }), "join ack");

  const heard = next(admin, "new_message");
  const sendAck = await within(
    alice.emitWithAck("send_message", { channelId: CHANNEL_ID, content: "Hello from socket.io-client", clientMessageId: "js-1" }),
    "send ack",
  );
  report("sent", { ack: sendAck, heard: await heard });

  const typing = next(admin, "user_typing");
  // Exactly what the original web client sends: its own idea of the name, which the
  // platform ignores (the room hears the name the server knows).
  alice.emit("typing", { channelId: CHANNEL_ID, userName: "Someone Else" });
  report("typing", { event: await typing });

  const updated = next(alice, "channel_updated");
  const response = await fetch(`${SERVER}/api/chat/channels/${CHANNEL_ID}/resolve`, {
    method: "PUT",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ resolution: "Answered from the JS client test" }),
  });
  if (response.status !== 200) fail(`resolve answered ${response.status}`);
  report("updated", { event: await updated });

  const refusedAck = await within(alice.emitWithAck("send_message", { channelId: CHANNEL_ID, content: "" }), "refusal ack");
  report("refused-empty", { ack: refusedAck });

  alice.close();
  admin.close();
  process.exit(0);
} catch (error) {
  fail(error.message);
}
