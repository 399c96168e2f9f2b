"""/whoami, /chatid and the bot joining a group: what a new shop needs for its configuration."""

from __future__ import annotations

from bot.harness import RunningBot
from sandbox import SandboxGroup, SandboxUser
from tests.e2e.conftest import ADMIN


async def test_whoami_tells_a_newcomer_their_id_language_and_how_to_become_admin(running: RunningBot) -> None:
    newcomer = SandboxUser(running.server, 777001, "Nina", language_code="en")
    reply = await newcomer.send("/whoami")
    assert reply.last.text.splitlines() == [
        "Your Telegram user id: 777001",
        "Language: English (en)",
        "Role: customer (not shop staff)",
        "",
        "Setting up this shop? Put ADMIN_IDS=777001 in the bot's configuration and restart it to become its admin.",
    ]
    assert "<code>777001</code>" in (reply.last.html or "")


async def test_whoami_names_a_staff_members_role_in_their_language(shop: RunningBot) -> None:
    admin = SandboxUser(shop.server, ADMIN, "Ada", language_code="ru")
    reply = await admin.send("/whoami")
    assert reply.last.text.splitlines()[:3] == [
        "Ваш Telegram ID: 1",
        "Язык: русский (ru)",
        "Роль: администратор (сотрудник магазина)",
    ]
    assert "ADMIN_IDS" not in reply.last.text


async def test_the_bot_added_to_a_group_posts_its_id_the_config_line_and_privacy_mode(running: RunningBot) -> None:
    owner = SandboxUser(running.server, 777002, "Olga", language_code="en")
    group = SandboxGroup(running.server, "Warehouse <crew> & co")
    reply = await group.add_bot(by=owner)
    (said,) = reply.new
    assert said.chat_id == group.id
    lines = said.text.splitlines()
    assert lines[0] == "Hello, Warehouse <crew> & co!"
    assert lines[1] == f"This group's chat id: {group.id}"
    assert f"STAFF_CHAT_ID={group.id}" in lines
    assert "Privacy mode (BotFather, /setprivacy) can stay on" in said.text
    assert "/chatid@ordergram_sandbox_bot" in said.text
    assert "&lt;crew&gt; &amp; co" in (said.html or "")  # the group's title is text, not markup
    # The bot asked Telegram for these updates: without a handler they would never come.
    assert running.server.allowed_updates is not None and "my_chat_member" in running.server.allowed_updates


async def test_chatid_in_the_group_answers_its_id_and_knows_the_staff_chat(running: RunningBot) -> None:
    member = SandboxUser(running.server, 777003, "Pavel", language_code="ru")
    staff_chat = SandboxGroup(running.server, "Staff", chat_id=-100500)  # the fixture's STAFF_CHAT_ID
    reply = await staff_chat.send(member, "/chatid@ordergram_sandbox_bot")
    assert reply.last.text.splitlines()[0] == "ID этой группы: -100500"
    assert "Эта группа — служебный чат магазина" in reply.last.text
    assert "STAFF_CHAT_ID=" not in reply.last.text
    other = SandboxGroup(running.server, "Other")
    assert f"STAFF_CHAT_ID={other.id}" in (await other.send(member, "/chatid")).last.text


async def test_chatid_in_private_gives_the_users_id_and_whoami_in_a_group_keeps_the_role_private(
    running: RunningBot,
) -> None:
    user = SandboxUser(running.server, 777004, "Quinn", language_code="en")
    private = await user.send("/chatid")
    assert private.last.text.startswith("This is a private chat; your Telegram user id is 777004.")
    group = SandboxGroup(running.server, "Team")
    asked = await group.send(user, "/whoami")
    assert asked.last.text == "Ask me in a private chat: @ordergram_sandbox_bot"
    assert all("777004" not in m.text for m in running.server.chat_messages(group.id))


async def test_the_bot_leaving_a_group_or_a_private_chat_member_change_posts_nothing(running: RunningBot) -> None:
    owner = SandboxUser(running.server, 777005, "Rita", language_code="en")
    group = SandboxGroup(running.server, "Gone")
    bot = {"id": running.server.bot_id, "is_bot": True, "first_name": "Ordergram Sandbox"}
    update = {
        "chat": {"id": group.id, "type": "supergroup", "title": "Gone"},
        "from": owner.user,
        "date": 0,
        "old_chat_member": {"status": "member", "user": bot},
        "new_chat_member": {"status": "left", "user": bot},
    }
    update_id = await running.server.push_update("my_chat_member", update)
    await running.server.wait_confirmed(update_id)
    assert running.server.chat_messages(group.id) == []
