import { Button } from "@telegram-apps/telegram-ui";

import { useI18n } from "../i18n";

/** Toggles RU/EN in place: only the text changes, every screen keeps its state. */
export function LangSwitch(): JSX.Element {
  const { lang, setLang, t } = useI18n();
  return (
    <Button
      mode="bezeled"
      size="s"
      className="lang-switch"
      data-testid="lang-switch"
      data-lang={lang}
      aria-label={t("lang.switchLabel")}
      onClick={() => setLang(lang === "ru" ? "en" : "ru")}
    >
      {t("lang.switch")}
    </Button>
  );
}
