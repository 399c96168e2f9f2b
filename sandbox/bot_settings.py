"""What a bot sets of itself in the sandbox: its webhook and the updates it asks for, its commands, its menu button."""

from __future__ import annotations

from typing import Any

from sandbox.limits import bad_request

# What Telegram sends a bot that never named the update types it wants (or named none).
NOT_SENT_UNLESS_ASKED = frozenset({"chat_member", "message_reaction", "message_reaction_count"})


class BotSettings:
    """Mixed into ``SandboxServer``: setWebhook, deleteWebhook, getWebhookInfo, close, the
    commands' methods and setChatMenuButton, with what Telegram checks of each."""

    updates: list[dict[str, Any]]
    webhook: dict[str, str] | None
    webhook_deleted: bool
    allowed_updates: frozenset[str] | None
    commands: dict[str, list[dict[str, Any]]]
    menu_button: dict[str, Any] | None
    chat_menu_buttons: dict[int, dict[str, Any]]

    async def m_close(self, params: dict[str, Any]) -> bool:
        return True

    async def m_deleteWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_deleted = True
        self.webhook = None
        return True

    async def m_setWebhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url") or "")
        if not url.startswith(("https://", "http://")):
            raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token") or ""}
        self._remember_allowed(params)
        return True

    def _remember_allowed(self, params: dict[str, Any]) -> None:
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self.allowed_updates = frozenset(params["allowed_updates"]) or None

    def sent_to_the_bot(self, kind: str) -> bool:
        if self.allowed_updates is None:
            return kind not in NOT_SENT_UNLESS_ASKED
        return kind in self.allowed_updates

    async def m_setChatMenuButton(self, params: dict[str, Any]) -> bool:
        button = params.get("menu_button") or {"type": "default"}
        if button.get("type") == "web_app":
            url = str((button.get("web_app") or {}).get("url", ""))
            if not url.startswith("https://"):  # Telegram opens Mini Apps over HTTPS only
                raise bad_request("BUTTON_URL_INVALID")
            if not 1 <= len(str(button.get("text", ""))) <= 64:
                raise bad_request("BUTTON_TEXT_INVALID")
        if params.get("chat_id") is not None:
            self.chat_menu_buttons[int(params["chat_id"])] = button
        else:
            self.menu_button = button
        return True

    async def m_getWebhookInfo(self, params: dict[str, Any]) -> dict[str, Any]:
        pending = len(self.updates)
        return {
            "url": self.webhook["url"] if self.webhook else "",
            "has_custom_certificate": False,
            "pending_update_count": pending,
        }

    async def m_setMyCommands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands") or []
        if len(commands) > 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name, description = str(command.get("command", "")), str(command.get("description", ""))
            if not (1 <= len(name) <= 32 and name.replace("_", "").isalnum() and name.islower()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[self._commands_key(params)] = commands
        return True

    async def m_getMyCommands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(self._commands_key(params), [])

    async def m_deleteMyCommands(self, params: dict[str, Any]) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    @staticmethod
    def _commands_key(params: dict[str, Any]) -> str:
        scope = params.get("scope") or {"type": "default"}
        chat = scope.get("chat_id", "")
        return f"{scope.get('type')}:{chat}:{params.get('language_code') or ''}"
