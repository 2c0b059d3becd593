// A small WhatsApp bot: it receives webhooks, checks their signature, answers each customer
// message, and can send a follow-up later. It talks to whatever Graph API base URL it is
// given: Meta's in production, wasim's in tests.
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer } from "node:http";

export function signatureOk(appSecret, rawBody, header) {
  if (typeof header !== "string" || !header.startsWith("sha256=")) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest("hex");
  const given = header.slice("sha256=".length);
  return given.length === expected.length &&
    timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

export class Bot {
  constructor({ graphUrl, token, phoneNumberId, appSecret, verifyToken }) {
    Object.assign(this, { graphUrl, token, phoneNumberId, appSecret, verifyToken });
    this.received = []; // inbound messages, in arrival order
    this.statuses = []; // status updates of what the bot sent
  }

  async send(message) {
    const answer = await fetch(`${this.graphUrl}/${this.phoneNumberId}/messages`, {
      method: "POST",
      headers: { Authorization: `Bearer ${this.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ messaging_product: "whatsapp", ...message }),
    });
    return { status: answer.status, body: await answer.json() };
  }

  reply(to, text) {
    return this.send({ to, type: "text", text: { body: text } });
  }

  template(to, name, language = "en_US") {
    return this.send({ to, type: "template", template: { name, language: { code: language } } });
  }

  async handle(value) {
    for (const status of value.statuses ?? []) this.statuses.push(status);
    for (const message of value.messages ?? []) {
      this.received.push(message);
      if (message.type === "text") {
        await this.reply(message.from, `Thanks! We got: ${message.text.body}`);
      }
    }
  }

  listen(port = 0) {
    const server = createServer((request, response) => {
      const url = new URL(request.url, "http://localhost");
      if (request.method === "GET") { // the subscription handshake
        const ok = url.searchParams.get("hub.verify_token") === this.verifyToken;
        response.writeHead(ok ? 200 : 403).end(ok ? url.searchParams.get("hub.challenge") : "");
        return;
      }
      const chunks = [];
      request.on("data", (chunk) => chunks.push(chunk));
      request.on("end", async () => {
        const raw = Buffer.concat(chunks);
        if (!signatureOk(this.appSecret, raw, request.headers["x-hub-signature-256"])) {
          response.writeHead(401).end();
          return;
        }
        const body = JSON.parse(raw.toString("utf8"));
        for (const entry of body.entry ?? []) {
          for (const change of entry.changes ?? []) {
            if (change.field === "messages") await this.handle(change.value);
          }
        }
        response.writeHead(200).end();
      });
    });
    return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
  }
}
