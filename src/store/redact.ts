/**
 * Optional redaction of what is stored (never of what is shown): card numbers (checked with Luhn, so
 * order numbers and phone numbers are not taken for cards), email addresses and phone numbers.
 */

const CARD = /\b(?:\d[ -]?){12,18}\d\b/g;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.\p{L}{2,}/gu;
const PHONE = /(?<![\p{L}\p{N}])\+?\d[\d ().-]{7,}\d(?![\p{L}\p{N}])/gu;

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export function redact(text: string): string {
  return text
    .replace(CARD, (match) => {
      const digits = match.replace(/\D/g, '');
      return digits.length >= 13 && digits.length <= 19 && luhn(digits) ? '[card number]' : match;
    })
    .replace(EMAIL, '[email]')
    // E.164: at most 15 digits; longer runs are not phone numbers.
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '').length;
      return digits >= 8 && digits <= 15 ? '[phone]' : match;
    });
}
