/**
 * An error message for a file in UTF-16 or UTF-32 (Windows editors and PowerShell save UTF-16), known
 * by its byte order mark or by ASCII with every other byte NUL; undefined for other bytes. Such a file
 * is text, not binary: the message says to save it as UTF-8.
 */
export function wideTextProblem(buf: Uint8Array): string | undefined {
  const [a, b, c, d] = buf;
  let encoding: string | undefined;
  if (a === 0xff && b === 0xfe) encoding = c === 0 && d === 0 ? "UTF-32" : "UTF-16";
  else if (a === 0xfe && b === 0xff) encoding = "UTF-16";
  else if (a === 0 && b === 0 && c === 0xfe && d === 0xff) encoding = "UTF-32";
  else if (buf.length >= 4) {
    const ascii = (x: number | undefined) => x !== undefined && x > 0 && x < 0x80;
    if ((ascii(a) && b === 0 && ascii(c) && d === 0) || (a === 0 && ascii(b) && c === 0 && ascii(d)))
      encoding = "UTF-16";
  }
  return encoding && `the file is ${encoding} text, not UTF-8: save it as UTF-8 to have it checked`;
}
