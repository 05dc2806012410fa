// grammY, an unrelated Telegram client library, through the sandbox: every step's outcome is printed as one JSON
// object ({step: {ok, result} | {ok: false, error_code, description}}) for test_conformance_grammy.py to check.
//   node grammy_scenario.mjs BASE TOKEN CHAT GROUP SOURCE_IDS INLINE_QUERY_ID
import { Api, GrammyError, InputFile } from "grammy";

const [base, token, chatArg, groupArg, sourceIds, inlineQueryId] = process.argv.slice(2);
const chat = Number(chatArg);
const group = Number(groupArg);
const api = new Api(token, { apiRoot: base });
const png = new Uint8Array(Buffer.from("89504e470d0a1a0a0000000d4948445200000002000000030806000000", "hex"));
const out = {};

async function step(name, call) {
  try {
    out[name] = { ok: true, result: await call() };
  } catch (error) {
    if (!(error instanceof GrammyError)) throw error;
    out[name] = { ok: false, error_code: error.error_code, description: error.description };
  }
  return out[name].result;
}

await step("getMe", () => api.getMe());
await step("badToken", () => new Api("abc", { apiRoot: base }).getMe());
// Telegraf-style buttons carry "hide": false; Telegram echoes only documented fields
const sent = await step("sendMessage", () => api.sendMessage(chat, "Pick", {
  reply_markup: { inline_keyboard: [[{ text: "Done", callback_data: "done", hide: false }]], bogus: 1 },
}));
await step("editTooLong", () => api.editMessageText(chat, sent.message_id, "x".repeat(4097)));
await step("badParseMode", () => api.sendMessage(chat, "[b]hi[/b]", { parse_mode: "BBCode" }));
await step("badReplyMarkup", () => api.raw.sendMessage({ chat_id: chat, text: "hi", reply_markup: "{not json" }));
await step("chatNotFound", () => api.sendMessage(999999, "hi"));
await step("oldCallback", () => api.answerCallbackQuery("123"));
await step("httpWebhook", () => api.setWebhook("http://bot.example.com/hook"));
await step("webhookPort", () => api.setWebhook("https://bot.example.com:8080/hook"));

await step("sendMediaGroup", () => api.sendMediaGroup(chat, [
  { type: "photo", media: new InputFile(png, "a.png"), caption: "album" },
  { type: "photo", media: new InputFile(png, "b.png") },
]));
await step("albumTooBig", () => api.sendMediaGroup(chat, Array.from({ length: 11 }, () => ({ type: "photo", media: "x" }))));
const photo = await step("sendPhoto", () => api.sendPhoto(chat, new InputFile(png, "p.png")));
const doc = await step("sendDocument", () => api.sendDocument(chat, new InputFile(Buffer.from("notes"), "n.txt")));
await step("editMessageMedia", () => api.editMessageMedia(chat, photo.message_id, {
  type: "document", media: doc.document.file_id, caption: "now a file",
}));
const poll = await step("sendPoll", () => api.sendPoll(chat, "Lunch?", [{ text: "Soup" }, { text: "Salad" }],
  { is_anonymous: false }));
await step("pollOneOption", () => api.sendPoll(chat, "Lunch?", [{ text: "Soup" }]));
await step("stopPoll", () => api.stopPoll(chat, poll.message_id));
await step("stopPollAgain", () => api.stopPoll(chat, poll.message_id));
await step("sendDice", () => api.sendDice(chat, "🎯"));
await step("sendContact", () => api.sendContact(chat, "+15550100", "Ann"));
await step("sendVenue", () => api.sendVenue(chat, 52.5, 13.4, "Office", "Main st 1"));
const live = await step("sendLocation", () => api.sendLocation(chat, 1, 2, { live_period: 600 }));
await step("editMessageLiveLocation", () => api.editMessageLiveLocation(chat, live.message_id, 1.5, 2.5));
await step("stopMessageLiveLocation", () => api.stopMessageLiveLocation(chat, live.message_id));
await step("editStoppedLocation", () => api.editMessageLiveLocation(chat, live.message_id, 3, 3));
await step("livePeriod", () => api.sendLocation(chat, 1, 2, { live_period: 30 }));
const ids = sourceIds.split(",").map(Number);
await step("copyMessages", () => api.copyMessages(group, chat, ids));
await step("forwardMessages", () => api.forwardMessages(group, chat, ids));
await step("sendMessageDraft", () => api.sendMessageDraft(chat, 5, "Thinking"));
await step("answerInlineQuery", () => api.answerInlineQuery(inlineQueryId, [
  { type: "article", id: "1", title: "Milk", input_message_content: { message_text: "Buy milk" } },
]));
await step("answerInlineQueryAgain", () => api.answerInlineQuery(inlineQueryId, []));

await step("getChatAdministrators", () => api.getChatAdministrators(group));
await step("getChatMemberCount", () => api.getChatMemberCount(group));
await step("banChatMember", () => api.banChatMember(group, 8));
await step("banInPrivate", () => api.banChatMember(chat, 8));
await step("restrictChatMember", () => api.restrictChatMember(group, 8, { can_send_messages: false }));
await step("createChatInviteLink", () => api.createChatInviteLink(group, { name: "friends" }));
await step("setChatTitle", () => api.setChatTitle(group, "Team"));
await step("emptyTitle", () => api.setChatTitle(group, " "));
await step("getUserProfilePhotos", () => api.getUserProfilePhotos(chat));
await step("setMyDefaultAdministratorRights", () => api.setMyDefaultAdministratorRights({
  rights: { can_delete_messages: true, is_anonymous: false, can_manage_chat: true, can_manage_video_chats: false,
    can_restrict_members: false, can_promote_members: false, can_change_info: false, can_invite_users: false,
    can_post_stories: false, can_edit_stories: false, can_delete_stories: false },
}));
await step("getMyDefaultAdministratorRights", () => api.getMyDefaultAdministratorRights());
const topic = await step("createForumTopic", () => api.createForumTopic(group, "Plans"));
await step("editGeneralForumTopic", () => api.editGeneralForumTopic(group, "Lobby"));
await step("unpinAllForumTopicMessages", () => api.unpinAllForumTopicMessages(group, topic.message_thread_id));
await step("getStickerSet", () => api.getStickerSet("SandboxStickers"));
await step("noStickerSet", () => api.getStickerSet("NoSuchSet"));
await step("leaveChat", () => api.leaveChat(group));
await step("afterLeaving", () => api.sendMessage(group, "still here?"));

process.stdout.write(JSON.stringify(out));
