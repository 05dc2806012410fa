import { render } from "@testing-library/react";

import { App } from "../App";
import type { Lang } from "../i18n";
import { initTelegram } from "../lib/telegram";
import { installTelegramWebApp } from "./fakeServer";

/** The whole app at `#path`, launched by Telegram as a user speaking `lang`; returns the Telegram stand-in. */
export function openApp(path: string, lang: Lang = "en"): ReturnType<typeof installTelegramWebApp> {
  window.history.replaceState(null, "", `/app/#${path}`);
  const telegram = installTelegramWebApp({ languageCode: lang });
  initTelegram(true);
  render(<App />);
  return telegram;
}
