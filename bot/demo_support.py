"""The demo's support conversation: a topic per customer in the support forum, a receipt sent again, a cancel."""

from __future__ import annotations

from collections.abc import Callable

from bot.demo_shop import SUPPORT_CHAT, order_code
from sandbox.driver import SandboxGroup, SandboxUser
from sandbox.server import SandboxServer


async def support_conversation(
    server: SandboxServer,
    ada: SandboxUser,
    alice: SandboxUser,
    code: str,
    transcript: list[str],
    scene: Callable[[str], None],
) -> None:
    forum = SandboxGroup(server, "Support", chat_id=SUPPORT_CHAT, transcript=transcript, forum=True)
    scene("Alice asks about her order (💬 Contact us): her own topic in the support group")
    reply = await alice.send(f"/track {code}")
    reply = await alice.press(reply.last, "Contact us")
    await alice.send("Can the courier call me before coming?")
    topic = next(iter(server.forums[SUPPORT_CHAT].values()))
    transcript.append(f"💬 new topic in Support: {topic.name}")
    for message in forum.topic(topic.thread_id):
        transcript.append("💬 in the topic: " + "\n    ".join(message.text.splitlines()))
    scene("Staff see what waits for an answer (/conversations), answer inside the topic; Alice gets it signed; /close")
    await ada.send("/conversations")
    await forum.send(ada, "Of course, the courier will call 30 minutes ahead.", thread_id=topic.thread_id)
    transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))
    await forum.send(ada, "/close", thread_id=topic.thread_id)
    await alice.press(alice.messages()[-1], "5⭐")
    await ada.send("/customer 1001")
    scene("Support send Alice her receipt again from the order's screen, in her language")
    reply = await ada.send(f"/order {code}")
    await ada.press(reply.last, "Send the receipt to the customer")
    receipt = alice.messages()[-1]
    transcript.append(f"🔔 Alice's chat: 📄 {receipt.file.file_name if receipt.file else receipt.text}")
    scene("Alice orders one more by mistake and asks support to cancel it: /cancelorder, before picking")
    await alice.send("/add 22197 1")
    reply = await alice.send("/checkout")
    reply = await alice.send("+44 7911 123456")
    reply = await alice.press(reply.last, "Pick up")
    reply = await alice.press(reply.last, reply.last.button_texts()[0])
    reply = await alice.press(reply.last, "Pay at pickup")
    mistake = order_code((await alice.press(reply.last, "Confirm order")).last.text)
    await ada.send(f"/cancelorder {mistake}")
    transcript.append("🔔 Alice's chat: " + "\n    ".join(alice.messages()[-1].text.splitlines()))
