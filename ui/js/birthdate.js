// Birth-date fields (« jj/mm/aaaa »): the slashes are inserted while the
// member types digits (15031978 → 15/03/1978), backspace deletes naturally
// (an automatic slash is never put back behind the caret), a pasted date is
// reformatted, "1/3/1978" becomes 01/03/1978. The Rust side checks the date.

/**
 * The formatted value of `raw`. `typing` is true when characters were just
 * added (then "15" becomes "15/", ready for the month).
 */
export function formatBirthdate(raw, typing = true) {
  let tokens = String(raw).split(/[^0-9]+/);
  // A pasted ISO date (aaaa-mm-jj) is turned around.
  if (tokens.length === 3 && tokens[0].length === 4 && tokens[2].length > 0 && tokens[2].length <= 2) {
    tokens = [tokens[2], tokens[1], tokens[0]];
  }
  let digits = "";
  tokens.forEach((token, i) => {
    const closed = i < tokens.length - 1; // a separator follows it
    // "1/" or "15/3/": the member closed the day or month after one digit.
    if (closed && token.length === 1 && (digits.length === 0 || digits.length === 2)) token = `0${token}`;
    digits += token;
  });
  digits = digits.slice(0, 8);
  let out = digits.slice(0, 2);
  if (digits.length > 2) out += `/${digits.slice(2, 4)}`;
  if (digits.length > 4) out += `/${digits.slice(4)}`;
  if (typing && (digits.length === 2 || digits.length === 4)) out += "/";
  return out;
}

/** Where the caret goes in `formatted` to stay after `digitCount` digits. */
function caretAfterDigits(formatted, digitCount, typing) {
  if (digitCount === 0) return 0;
  let seen = 0;
  for (let i = 0; i < formatted.length; i++) {
    if (/[0-9]/.test(formatted[i])) seen += 1;
    if (seen === digitCount) {
      let pos = i + 1;
      if (typing && formatted[pos] === "/") pos += 1;
      return pos;
    }
  }
  return formatted.length;
}

export function attachBirthdateMask(input) {
  input.addEventListener("input", (event) => {
    const raw = input.value;
    const typing = !(event.inputType || "").startsWith("delete");
    const caret = input.selectionStart ?? raw.length;
    const atEnd = caret >= raw.length;
    const formatted = formatBirthdate(raw, typing);
    if (formatted === raw) return;
    const digitsBefore = raw.slice(0, caret).replace(/[^0-9]/g, "").length;
    input.value = formatted;
    const pos = atEnd ? formatted.length : caretAfterDigits(formatted, digitsBefore, typing);
    try {
      input.setSelectionRange(pos, pos);
    } catch (_) {
      // Some input types refuse a selection; ours is type="text".
    }
  });
}

export function initBirthdates(root = document) {
  for (const input of root.querySelectorAll("input[data-birthdate]")) attachBirthdateMask(input);
}
