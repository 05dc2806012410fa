import type { ReactNode } from "react";
import { Button } from "@telegram-apps/telegram-ui";

import { useI18n } from "../i18n";
import { navigate } from "../lib/router";
import { hasNativeBackButton } from "../lib/telegram";
import { useBackButton } from "../lib/useTelegram";
import { LangSwitch } from "./LangSwitch";

interface ScreenProps {
  /** Path of the parent screen; makes this screen "nested" (Back button shown). */
  backTo?: string;
  title?: ReactNode;
  children: ReactNode;
}

/**
 * Layout of one screen: a head bar (Back, title, language switch) and the content.
 * Nested screens get Telegram's Back button and, where Telegram does not draw one (a plain
 * browser, the web sandbox), an in-page Back button.
 */
export function Screen({ backTo, title, children }: ScreenProps): JSX.Element {
  const { t } = useI18n();
  const goBack = backTo ? () => navigate(backTo) : null;
  useBackButton(goBack);
  const showFallback = goBack !== null && !hasNativeBackButton();
  return (
    <main className="screen">
      <div className="screen-head">
        {showFallback && (
          <Button mode="plain" size="s" onClick={goBack ?? undefined} data-testid="back-button">
            ‹ {t("common.back")}
          </Button>
        )}
        <h1 className="screen-title" data-testid="screen-title">
          {title}
        </h1>
        <LangSwitch />
      </div>
      {children}
    </main>
  );
}
