import { checkMobile, checkPersonName } from '../../domain/identity/contact';

const codes = (r: ReturnType<typeof checkPersonName>): string[] => (r.ok ? [] : r.problems.map((p) => p.code));

describe('mobile numbers', () => {
  it.each(['13800138000', '19912345678', '16612345678'])('when the number is %s, then it is accepted', (n) => {
    expect(checkMobile(n).ok).toBe(true);
  });

  it.each([
    ['1380013800', 'PHONE_FORMAT'],
    ['138001380001', 'PHONE_FORMAT'],
    ['+8613800138000', 'PHONE_FORMAT'],
    ['138-0013-8000', 'PHONE_FORMAT'],
    ['23800138000', 'PHONE_PREFIX'],
    ['12800138000', 'PHONE_PREFIX'],
    ['10800138000', 'PHONE_PREFIX'],
  ])('when the number is %s, then %s with a Chinese message', (n, code) => {
    const r = checkMobile(n);
    expect(r).toMatchObject({ ok: false, code });
    if (!r.ok) expect(r.message).toMatch(/^手机号码/);
  });
});

describe('Chinese personal names', () => {
  it.each(['王芳', '李安然', '欧阳娜娜', '买买提·艾力', '阿卜杜热西提·阿卜杜克力木', '𠀾明', '㑇乐'])(
    'when the name is %s, then it is accepted',
    (name) => {
      expect(checkPersonName(name)).toEqual({ ok: true });
    },
  );

  it('when the name is one character, then NAME_TOO_SHORT; empty, then NAME_REQUIRED', () => {
    expect(codes(checkPersonName('王'))).toEqual(['NAME_TOO_SHORT']);
    expect(codes(checkPersonName(''))).toEqual(['NAME_REQUIRED']);
  });

  it('when the name has 16 characters, then NAME_TOO_LONG; 15 pass', () => {
    expect(checkPersonName('王'.repeat(15)).ok).toBe(true);
    expect(codes(checkPersonName('王'.repeat(16)))).toEqual(['NAME_TOO_LONG']);
  });

  it('when a rare character is outside the BMP, then it counts as one character', () => {
    expect(checkPersonName('𠀾'.repeat(15)).ok).toBe(true);
  });

  it('when the dot leads, trails or doubles, then the position is refused', () => {
    expect(codes(checkPersonName('·艾力'))).toEqual(['NAME_DOT_POSITION']);
    expect(codes(checkPersonName('买买提·'))).toEqual(['NAME_DOT_POSITION']);
    expect(codes(checkPersonName('买买提··艾力'))).toEqual(['NAME_DOT_DOUBLE']);
  });

  it('when a look-alike dot is used (・ . •), then NAME_DOT_VARIANT names the right one', () => {
    for (const dot of ['・', '.', '•', '．']) {
      const r = checkPersonName(`买买提${dot}艾力`);
      expect(codes(r)).toEqual(['NAME_DOT_VARIANT']);
      if (!r.ok) expect(r.message).toContain('“·”');
    }
  });

  it('when the name has Latin letters, digits or spaces, then NAME_INVALID_CHAR lists them', () => {
    const r = checkPersonName('王 A1');
    expect(codes(r)).toEqual(['NAME_INVALID_CHAR']);
    if (!r.ok) expect(r.message).toBe('姓名只能包含汉字和间隔号“·”，不能包含空格、“A”、“1”');
  });

  it('when several rules fail, then all are listed', () => {
    expect(codes(checkPersonName(`·${'王'.repeat(15)}A`))).toEqual(['NAME_TOO_LONG', 'NAME_INVALID_CHAR', 'NAME_DOT_POSITION']);
  });
});
