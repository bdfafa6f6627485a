import { useEffect, useRef, useState, type RefObject } from 'react';

/** What Tab can reach, in document order. */
const TABBABLE = [
  'a[href]',
  'area[href]',
  'button',
  'input:not([type="hidden"])',
  'select',
  'textarea',
  'iframe',
  'summary',
  'audio[controls]',
  'video[controls]',
  '[contenteditable]:not([contenteditable="false"])',
  '[tabindex]',
].join(',');

/** The elements inside `root` that Tab stops at: enabled, shown, not taken out of the order. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(TABBABLE)].filter(
    (el) => el.tabIndex >= 0 && !(el as HTMLButtonElement).disabled && !el.closest('[inert]') && el.getClientRects().length > 0,
  );
}

interface OpenDialog {
  ref: RefObject<HTMLElement | null>;
  close: () => void;
}

/** The dialogs open now, the top one last: only the top one holds the keyboard. */
const open: OpenDialog[] = [];

function onKeyDown(event: KeyboardEvent): void {
  const top = open.at(-1);
  const root = top?.ref.current;
  if (!top || !root || event.defaultPrevented) return;
  if (event.key === 'Escape') {
    event.preventDefault();
    top.close();
    return;
  }
  if (event.key !== 'Tab' || event.ctrlKey || event.altKey || event.metaKey) return;
  const stops = tabbables(root);
  const active = document.activeElement;
  const inside = active instanceof Node && root.contains(active);
  if (stops.length === 0) {
    event.preventDefault();
    root.focus();
    return;
  }
  const first = stops[0]!;
  const last = stops.at(-1)!;
  if (event.shiftKey && (!inside || active === first || active === root)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (!inside || active === last)) {
    event.preventDefault();
    first.focus();
  }
}

/** Focus that lands outside the top dialog (a skipped radio, a click on the page behind) goes back in. */
function onFocusIn(event: FocusEvent): void {
  const root = open.at(-1)?.ref.current;
  if (!root || !(event.target instanceof Node) || root.contains(event.target)) return;
  (tabbables(root)[0] ?? root).focus();
}

function focusInto(root: HTMLElement): void {
  if (root.contains(document.activeElement)) return;
  const first = root.querySelector<HTMLElement>('[data-autofocus]') ?? tabbables(root)[0];
  if (first) first.focus();
  else {
    if (!root.hasAttribute('tabindex')) root.tabIndex = -1;
    root.focus();
  }
}

/**
 * Makes the element the returned ref is put on behave as a modal dialog: focus moves into it when
 * it opens, Tab and Shift+Tab cycle inside it, Escape calls `onClose`, and when it closes focus
 * returns to the element that had it before it opened. Dialogs opened from a dialog stack: only
 * the top one answers the keys.
 */
export function useDialogFocus<T extends HTMLElement>(onClose: () => void): RefObject<T | null> {
  const ref = useRef<T | null>(null);
  // The element focused while the dialog first renders is the one that opened it.
  const [opener] = useState(() => {
    const active = document.activeElement;
    return active instanceof HTMLElement && active !== document.body ? active : null;
  });
  const closeRef = useRef(onClose);
  useEffect(() => {
    closeRef.current = onClose;
  }, [onClose]);

  useEffect(() => {
    const entry: OpenDialog = { ref, close: () => closeRef.current() };
    open.push(entry);
    if (open.length === 1) {
      window.addEventListener('keydown', onKeyDown);
      document.addEventListener('focusin', onFocusIn);
    }
    const root = ref.current;
    if (root) focusInto(root);
    return () => {
      open.splice(open.indexOf(entry), 1);
      if (open.length === 0) {
        window.removeEventListener('keydown', onKeyDown);
        document.removeEventListener('focusin', onFocusIn);
      }
      // Give focus back only if nothing else took it (a new card focused on purpose keeps it).
      const lost = !document.activeElement || document.activeElement === document.body || root?.contains(document.activeElement);
      if (!lost) return;
      if (opener?.isConnected) opener.focus();
      else {
        const below = open.at(-1)?.ref.current;
        if (below) focusInto(below);
      }
    };
  }, [opener]);

  return ref;
}
