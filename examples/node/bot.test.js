// The bot against a real `wasim serve`: the 24-hour window, the 131047 failure of a late
// free-form message, and the template that gets through. Needs `wasim` on the PATH (or
// WASIM_CMD, e.g. "python -m wasim").
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { after, before, test } from "node:test";
import { Bot } from "./bot.js";

const ANA = "16505551234";
let wasim;
let base;
let bot;
let botServer;

function startWasim(webhookUrl) {
  const [command, ...prefix] = (process.env.WASIM_CMD ?? "wasim").split(" ");
  const child = spawn(command, [...prefix, "serve", "--port", "0", "--quiet",
    "--webhook-url", webhookUrl], { stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`wasim serve exited with ${code}: ${out}`)));
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const found = out.match(/listening on (http:\/\/\S+)/);
      if (found && out.includes("Press Ctrl-C to stop.")) resolve({ child, url: found[1] });
    });
  });
}

async function control(method, path, body) {
  const answer = await fetch(`${base}/_sim${path}`, {
    method,
    headers: body ? { "Content-Type": "application/json" } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.equal(answer.status, 200, `${method} /_sim${path}: ${await answer.clone().text()}`);
  return answer.json();
}

async function eventually(check, what, seconds = 10) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const messageTo = async (id) => control("GET", `/messages/${id}`);

before(async () => {
  bot = new Bot({ graphUrl: "", token: "wasim-token", phoneNumberId: "106540352242922",
    appSecret: "wasim-app-secret", verifyToken: "wasim-verify-token" });
  botServer = await bot.listen();
  const started = await startWasim(`http://127.0.0.1:${botServer.address().port}/webhook`);
  wasim = started.child;
  base = started.url;
  bot.graphUrl = `${base}/v23.0`;
});

after(() => {
  wasim?.removeAllListeners("exit");
  wasim?.kill("SIGINT");
  botServer?.close();
});

test("a customer's message opens the window and the bot's reply is delivered", async () => {
  await control("POST", "/inbound", { from: ANA, text: "Where is my parcel?" });
  await eventually(() => bot.received.length === 1, "the inbound webhook");
  const window = await control("GET", `/windows/${ANA}`);
  assert.equal(window.open, true);
  const [reply] = await eventually(async () => {
    const listed = await control("GET", `/messages?to=${ANA}`);
    return listed.data.length === 1 && listed.data[0].status === "delivered" && listed.data;
  }, "the bot's reply to be delivered");
  assert.equal(reply.body.text.body, "Thanks! We got: Where is my parcel?");
});

test("25 hours later a free-form message is accepted, then fails with 131047", async () => {
  await control("POST", "/clock/advance", { by: "25h" });
  assert.equal((await control("GET", `/windows/${ANA}`)).open, false);
  const sent = await bot.reply(ANA, "Are you still there?");
  assert.equal(sent.status, 200); // as Meta: accepted first...
  const id = sent.body.messages[0].id;
  const failed = await eventually(async () => {
    const message = await messageTo(id);
    return message.status === "failed" && message;
  }, "the failed status");
  assert.equal(failed.error.code, 131047); // ...then failed by webhook
  const status = await eventually(() => bot.statuses.find(
    (s) => s.id === id && s.status === "failed"), "the failed status webhook");
  assert.equal(status.errors[0].code, 131047);
});

test("outside the window an approved template gets through", async () => {
  const sent = await bot.template(ANA, "hello_world");
  assert.equal(sent.status, 200);
  const id = sent.body.messages[0].id;
  await eventually(async () => (await messageTo(id)).status === "delivered", "delivery");
});

test("an unapproved template is refused at once with 132001", async () => {
  const sent = await bot.template(ANA, "new_feature");
  assert.equal(sent.status, 400);
  assert.equal(sent.body.error.code, 132001);
});
