import {
  CaseCreateRequest,
  caseCreateRequestSchema,
  CorrectionRequest,
  TrackInputRequest,
  toValidationIssues,
  validate,
  type ValidationIssue,
} from '../../domain/case.schemas';
import { makeCitizenId } from '../../domain/identity/citizen-id';

const NOW = '2026-11-21T09:00:00+08:00';
const MOTHER_ID = makeCitizenId('370102', '1994-05-06', 2); // female
const FATHER_ID = makeCitizenId('370103', '1992-01-01', 11); // male

function validCase(): Record<string, unknown> {
  return {
    newborn: { name: '李安然', sex: 'F', birthAt: '2026-11-20T08:30:00+08:00', birthWeightGrams: 3250, birthOrder: 2 },
    mother: { name: '王芳', idNumber: MOTHER_ID, phone: '13800138000', hukouRegionCode: '370102', insurance: 'resident', lowIncome: false },
    father: { name: '李强', idNumber: FATHER_ID, phone: '13900139000', hukouRegionCode: '370103' },
    married: true,
    householdOf: 'father',
    services: ['birthCertificate', 'vaccination', 'household', 'medicalInsurance', 'socialSecurityCard'],
    delivery: { method: 'ems', address: '济南市历下区泉城路1号', recipient: 'mother' },
    consent: { signedBy: 'mother', signedAt: '2026-11-20T10:00:00+08:00' },
  };
}

/** Deep-merges `patch` into the valid case; `undefined` removes a key. */
function caseWith(patch: Record<string, unknown>): Record<string, unknown> {
  const merge = (target: Record<string, unknown>, p: Record<string, unknown>): Record<string, unknown> => {
    const out = { ...target };
    for (const [k, v] of Object.entries(p)) {
      if (v === undefined) delete out[k];
      else if (v && typeof v === 'object' && !Array.isArray(v) && out[k] && typeof out[k] === 'object') out[k] = merge(out[k] as Record<string, unknown>, v as Record<string, unknown>);
      else out[k] = v;
    }
    return out;
  };
  return merge(validCase(), patch);
}

function issuesOf(body: unknown, opts: { now?: string; maxAgeDays?: number } = {}): ValidationIssue[] {
  const r = caseCreateRequestSchema({ now: opts.now ?? NOW, maxAgeDays: opts.maxAgeDays }).safeParse(body);
  return r.success ? [] : toValidationIssues(r.error);
}
const pathsAndCodes = (issues: ValidationIssue[]) => issues.map((i) => `${i.path}:${i.code}`);
const CHINESE = /[\u4e00-\u9fff]/;

describe('case create request: a valid case', () => {
  it('when the contract’s example case is sent, then it passes with defaults filled', () => {
    const r = caseCreateRequestSchema({ now: NOW }).safeParse(caseWith({ services: undefined }));
    expect(r.success).toBe(true);
    // every service of the bundle, the 生育登记 first (issue 18)
    if (r.success) expect(r.data.services).toHaveLength(6);
    if (r.success) expect(r.data.services[0]).toBe('familyRegistration');
  });

  it('when the mother’s ID ends in a lower-case x and fields have stray spaces, then they are stored normalised', () => {
    const idWithX = Array.from({ length: 500 }, (_, i) => makeCitizenId('370102', '1994-05-06', 2 * i)).find((id) => id.endsWith('X'));
    if (!idWithX) throw new Error('no ID ending in X among 500 sequences');
    const r = CaseCreateRequest.safeParse(caseWith({ mother: { idNumber: ` ${idWithX.toLowerCase()} `, phone: ' 13800138000 ' } }));
    expect(r.success).toBe(true);
    if (r.success) {
      expect(r.data.mother.idNumber).toBe(idWithX);
      expect(r.data.mother.phone).toBe('13800138000');
    }
  });

  it('when there is no father and the mother registers the household unmarried, then it passes', () => {
    expect(issuesOf(caseWith({ father: null, married: false, householdOf: 'mother' }))).toEqual([]);
    expect(issuesOf(caseWith({ father: undefined, married: false, householdOf: 'mother' }))).toEqual([]);
  });

  it('when a minority name with the middle dot is used, then it passes', () => {
    expect(issuesOf(caseWith({ father: { name: '买买提·艾力' } }))).toEqual([]);
  });
});

describe('case create request: all problems at once', () => {
  it('when many fields are wrong, then every problem is reported with its path, a code and a Chinese message', () => {
    const badChecksum = `${MOTHER_ID.slice(0, 17)}${MOTHER_ID[17] === '0' ? '1' : '0'}`;
    const issues = issuesOf(
      caseWith({
        newborn: { name: 'Anran', birthWeightGrams: 100, birthOrder: 0, sex: undefined },
        mother: { idNumber: badChecksum, phone: '1380013800', hukouRegionCode: '990000', insurance: 'private' },
        father: { idNumber: '37010319920230001X', name: '李' },
        delivery: { method: 'ems', address: undefined },
        nickname: 'x',
      }),
    );
    expect(pathsAndCodes(issues)).toEqual(expect.arrayContaining([
      'newborn.name:NAME_INVALID_CHAR',
      'newborn.sex:REQUIRED',
      'newborn.birthWeightGrams:TOO_SMALL',
      'newborn.birthOrder:TOO_SMALL',
      'mother.idNumber:ID_CHECKSUM',
      'mother.phone:PHONE_FORMAT',
      'mother.hukouRegionCode:REGION_INVALID',
      'mother.insurance:INVALID_VALUE',
      'father.name:NAME_TOO_SHORT',
      'father.idNumber:ID_DATE_INVALID',
      'delivery.address:ADDRESS_REQUIRED',
      'nickname:UNKNOWN_FIELD',
    ]));
    expect(issues.length).toBeGreaterThanOrEqual(12);
    for (const issue of issues) expect(issue.message).toMatch(CHINESE);
    expect(issues.find((i) => i.path === 'mother.idNumber')?.message).toBe('母亲身份证号码校验码不正确，请逐位核对');
    expect(issues.find((i) => i.path === 'newborn.sex')?.message).toBe('缺少必填项：新生儿性别');
  });

  it('when the body is empty, then each required section is reported missing in Chinese', () => {
    expect(pathsAndCodes(issuesOf({}))).toEqual([
      'newborn:REQUIRED', 'mother:REQUIRED', 'married:REQUIRED', 'householdOf:REQUIRED', 'delivery:REQUIRED', 'consent:REQUIRED',
    ]);
  });

  it('when a field has the wrong type, then INVALID_TYPE names the expected kind', () => {
    const issues = issuesOf(caseWith({ married: 'yes', newborn: { birthWeightGrams: 3250.5 } }));
    expect(issues).toEqual(expect.arrayContaining([
      { path: 'married', code: 'INVALID_TYPE', message: '婚姻状况应为是/否（true/false）' },
      { path: 'newborn.birthWeightGrams', code: 'INVALID_TYPE', message: '出生体重（克）应为整数' },
    ]));
  });
});

describe('case create request: cross-field rules', () => {
  it('when the household goes to the father but there is no father, then FATHER_REQUIRED', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ father: null, married: false })))).toEqual(['father:FATHER_REQUIRED']);
  });

  it('when there is no father but married is true, then MARRIED_WITHOUT_FATHER', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ father: null, householdOf: 'mother' })))).toEqual(['married:MARRIED_WITHOUT_FATHER']);
  });

  it('when the father is to receive or sign but there is none, then both are reported', () => {
    const issues = issuesOf(caseWith({
      father: null, married: false, householdOf: 'mother',
      delivery: { recipient: 'father' }, consent: { signedBy: 'father' },
    }));
    expect(pathsAndCodes(issues)).toEqual(['delivery.recipient:RECIPIENT_FATHER_MISSING', 'consent.signedBy:SIGNER_FATHER_MISSING']);
  });

  it('when EMS is chosen without an address, then ADDRESS_REQUIRED; pickup needs none', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ delivery: { address: undefined } })))).toEqual(['delivery.address:ADDRESS_REQUIRED']);
    expect(issuesOf(caseWith({ delivery: { method: 'pickup', address: undefined } }))).toEqual([]);
  });

  it('when the mother’s ID is a man’s (odd sequence), then ID_SEX_MISMATCH', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ mother: { idNumber: FATHER_ID } })))).toEqual(['mother.idNumber:ID_SEX_MISMATCH']);
  });

  it('when the mother would be 13 or 61 at the birth, then MOTHER_AGE_IMPLAUSIBLE; 14 and 60 pass', () => {
    const motherBorn = (date: string) => caseWith({ mother: { idNumber: makeCitizenId('370102', date, 2) } });
    expect(pathsAndCodes(issuesOf(motherBorn('2012-11-21')))).toEqual(['mother.idNumber:MOTHER_AGE_IMPLAUSIBLE']);
    expect(issuesOf(motherBorn('2012-11-20'))).toEqual([]);
    expect(issuesOf(motherBorn('1966-11-21'))).toEqual([]);
    expect(pathsAndCodes(issuesOf(motherBorn('1965-11-20')))).toEqual(['mother.idNumber:MOTHER_AGE_IMPLAUSIBLE']);
  });

  it('when the father would be 81 at the birth, then FATHER_AGE_IMPLAUSIBLE', () => {
    const issues = issuesOf(caseWith({ father: { idNumber: makeCitizenId('370103', '1945-01-01', 11) } }));
    expect(pathsAndCodes(issues)).toEqual(['father.idNumber:FATHER_AGE_IMPLAUSIBLE']);
    expect(issues[0]?.message).toContain('81周岁');
  });

  it('when a service is listed twice, then SERVICE_DUPLICATE', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ services: ['vaccination', 'vaccination'] })))).toEqual(['services:SERVICE_DUPLICATE']);
  });

  it('when a service is asked for without the one it needs first, then SERVICE_PREREQUISITE_MISSING for each', () => {
    const issues = issuesOf(caseWith({ services: ['vaccination', 'medicalInsurance', 'socialSecurityCard'] }));
    expect(pathsAndCodes(issues)).toEqual(['services:SERVICE_PREREQUISITE_MISSING']);
    expect(issues[0]?.message).toBe('申请「居民医保参保登记」须同时申请「户口登记」');
  });
});

describe('case create request: rules that read the clock', () => {
  it('when the birth is after now, then BIRTH_IN_FUTURE', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ newborn: { birthAt: '2026-11-22T08:00:00+08:00' } })))).toEqual(['newborn.birthAt:BIRTH_IN_FUTURE']);
  });

  it('when the birth is within the allowed clock skew (a minute ahead), then it passes', () => {
    expect(issuesOf(caseWith({ newborn: { birthAt: '2026-11-21T09:01:00+08:00' }, consent: { signedAt: '2026-11-21T09:01:00+08:00' } }))).toEqual([]);
  });

  it('when the child is over one year old, then BIRTH_TOO_OLD; exactly 365 days passes', () => {
    const mother = { idNumber: makeCitizenId('370102', '1994-05-06', 2) };
    expect(issuesOf(caseWith({ mother, newborn: { birthAt: '2025-11-21T08:00:00+08:00' } }))).toEqual([]);
    expect(pathsAndCodes(issuesOf(caseWith({ mother, newborn: { birthAt: '2025-11-20T23:59:00+08:00' } })))).toEqual(['newborn.birthAt:BIRTH_TOO_OLD']);
  });

  it('when maxAgeDays is set, then it is the limit', () => {
    const body = caseWith({ newborn: { birthAt: '2026-10-01T08:00:00+08:00' } });
    expect(pathsAndCodes(issuesOf(body, { maxAgeDays: 30 }))).toEqual(['newborn.birthAt:BIRTH_TOO_OLD']);
    expect(issuesOf(body, { maxAgeDays: 60 })).toEqual([]);
  });

  it('when the consent is signed in the future, then CONSENT_IN_FUTURE', () => {
    expect(pathsAndCodes(issuesOf(caseWith({ consent: { signedAt: '2026-11-22T10:00:00+08:00' } })))).toEqual(['consent.signedAt:CONSENT_IN_FUTURE']);
  });

  it('when the structure-only schema sees a future birth, then it does not judge time', () => {
    expect(CaseCreateRequest.safeParse(caseWith({ newborn: { birthAt: '2030-01-01T08:00:00+08:00' } })).success).toBe(true);
  });
});

describe('case create request: unknown keys and bounds', () => {
  it('when unknown keys appear at any level, then each is UNKNOWN_FIELD at its own path', () => {
    const issues = issuesOf(caseWith({ hospitalId: 'H0001', mother: { nickname: '芳芳' } }));
    expect(pathsAndCodes(issues)).toEqual(expect.arrayContaining(['hospitalId:UNKNOWN_FIELD', 'mother.nickname:UNKNOWN_FIELD']));
    expect(issues.find((i) => i.path === 'hospitalId')?.message).toBe('不允许的字段“hospitalId”，请删除');
  });

  it('when strings are over-long, then each is refused (address, name, ID, phone, birth time)', () => {
    const issues = issuesOf(caseWith({
      delivery: { address: '路'.repeat(201) },
      mother: { name: '王'.repeat(16), idNumber: `${MOTHER_ID}0`, phone: '138001380001' },
      newborn: { birthAt: `2026-11-20T08:30:00.${'0'.repeat(40)}+08:00` },
    }));
    expect(pathsAndCodes(issues)).toEqual(expect.arrayContaining([
      'delivery.address:TOO_LONG', 'mother.name:NAME_TOO_LONG', 'mother.idNumber:ID_LENGTH', 'mother.phone:PHONE_FORMAT', 'newborn.birthAt:TOO_LONG',
    ]));
    expect(issues.find((i) => i.path === 'delivery.address')?.message).toBe('邮寄地址最多200个字符');
  });
});

describe('other requests', () => {
  it('when a correction changes the phone to a bad number and the ID with a lower-case x, then the phone is refused with its label', () => {
    const r = validate(CorrectionRequest, { changes: { 'mother.phone': '1380013800', 'mother.name': '王芳芳' } });
    expect(r).toEqual({ success: false, issues: [{ path: 'changes.mother.phone', code: 'PHONE_FORMAT', message: '母亲手机号码应为11位数字' }] });
  });

  it('when a correction is valid, then its values are normalised like a new application', () => {
    const r = CorrectionRequest.safeParse({ changes: { 'mother.idNumber': ` ${'11010519491231002x'} `, 'mother.phone': '13800138001' } });
    expect(r.success && r.data.changes).toEqual({ 'mother.idNumber': '11010519491231002X', 'mother.phone': '13800138001' });
  });

  it('when parents supply the newborn’s name, then it is checked as a Chinese name', () => {
    const r = validate(TrackInputRequest, { trackingCode: 'ABCDEFGH', phoneLast4: '8000', input: { newbornName: 'Lily' } });
    expect(r.success ? [] : r.issues.map((i) => `${i.path}:${i.code}`)).toEqual(['input.newbornName:NAME_INVALID_CHAR']);
  });

  it('when validate() is used, then a missing field reads 缺少必填项 too', () => {
    const r = validate(TrackInputRequest, { trackingCode: 'ABCDEFGH', input: { newbornName: '李安然' } });
    expect(r).toEqual({ success: false, issues: [{ path: 'phoneLast4', code: 'REQUIRED', message: '缺少必填项：手机号后4位' }] });
  });
});

describe('policy fields of the application (issue 11): the supplement’s ground and a multiple birth', () => {
  const parse = (patch: Record<string, unknown>) => validate(caseCreateRequestSchema({ now: NOW }), caseWith(patch));

  it('when neither lowIncome nor the ground is given, then the ground defaults to none and lowIncome to false', () => {
    const r = parse({ mother: { lowIncome: undefined } });
    expect(r.success && r.data.mother).toMatchObject({ lowIncome: false, supplementGround: 'none' });
  });

  it('when only the older lowIncome: true is sent, then it is still accepted and reads as minimumLivingAllowance', () => {
    const r = parse({ mother: { lowIncome: true } });
    expect(r.success && r.data.mother).toMatchObject({ lowIncome: true, supplementGround: 'minimumLivingAllowance' });
  });

  it.each(['destituteSupport', 'unemploymentBenefit'])('when the ground is %s, then it is recorded and lowIncome stays false', (ground) => {
    const r = parse({ mother: { supplementGround: ground } });
    expect(r.success && r.data.mother).toMatchObject({ lowIncome: false, supplementGround: ground });
  });

  it('when lowIncome: true contradicts another ground, or the ground is unknown, then a 400 issue on the field', () => {
    const conflict = parse({ mother: { lowIncome: true, supplementGround: 'unemploymentBenefit' } });
    expect(conflict.success || conflict.issues).toEqual([expect.objectContaining({ path: 'mother.supplementGround', code: 'SUPPLEMENT_GROUND_CONFLICT' })]);
    const unknown = parse({ mother: { supplementGround: 'pension' } });
    expect(unknown.success || unknown.issues).toEqual([expect.objectContaining({ path: 'mother.supplementGround', code: 'INVALID_VALUE' })]);
  });

  it('when a twin is recorded, then how many and which child are kept; a position beyond the count is refused', () => {
    const ok = parse({ newborn: { multipleBirth: { children: 2, position: 2 } } });
    expect(ok.success && ok.data.newborn.multipleBirth).toEqual({ children: 2, position: 2 });
    const bad = parse({ newborn: { multipleBirth: { children: 2, position: 3 } } });
    expect(bad.success || bad.issues).toEqual([expect.objectContaining({ path: 'newborn.multipleBirth.position', code: 'MULTIPLE_BIRTH_POSITION' })]);
    const single = parse({ newborn: { multipleBirth: { children: 1, position: 1 } } });
    expect(single.success).toBe(false);
  });

  it('when the birth order is below the position in the multiple birth (a second-born twin as 一孩), then BIRTH_ORDER_BELOW_POSITION at newborn.birthOrder, in Chinese', () => {
    const bad = parse({ newborn: { birthOrder: 1, multipleBirth: { children: 2, position: 2 } } });
    expect(bad.success || bad.issues).toEqual([
      expect.objectContaining({ path: 'newborn.birthOrder', code: 'BIRTH_ORDER_BELOW_POSITION', message: expect.stringContaining('孩次至少应为第2孩') }),
    ]);
    const triplet = parse({ newborn: { birthOrder: 2, multipleBirth: { children: 3, position: 3 } } });
    expect(triplet.success || triplet.issues).toEqual([expect.objectContaining({ path: 'newborn.birthOrder', code: 'BIRTH_ORDER_BELOW_POSITION' })]);
  });

  it('when the birth order is at least the position, then the twin is accepted (first-born twin as 一孩, second-born as 二孩 or later)', () => {
    expect(parse({ newborn: { birthOrder: 1, multipleBirth: { children: 2, position: 1 } } }).success).toBe(true);
    expect(parse({ newborn: { birthOrder: 2, multipleBirth: { children: 2, position: 2 } } }).success).toBe(true);
    expect(parse({ newborn: { birthOrder: 3, multipleBirth: { children: 2, position: 1 } } }).success).toBe(true);
  });
});

describe('correcting the supplement’s ground', () => {
  it('when a clerk corrects mother.supplementGround, then only the four grounds are accepted', () => {
    expect(validate(CorrectionRequest, { changes: { 'mother.supplementGround': 'destituteSupport' } }).success).toBe(true);
    const bad = validate(CorrectionRequest, { changes: { 'mother.supplementGround': 'pension' } });
    expect(bad.success || bad.issues).toEqual([expect.objectContaining({ path: 'changes.mother.supplementGround', code: 'INVALID_VALUE' })]);
  });
});

describe('correcting a multiple birth', () => {
  it('when a clerk corrects newborn.multipleBirth.children or .position, then whole numbers in range are accepted and others refused at the field', () => {
    expect(validate(CorrectionRequest, { changes: { 'newborn.multipleBirth.children': 2, 'newborn.multipleBirth.position': 2 } }).success).toBe(true);
    const bad = validate(CorrectionRequest, { changes: { 'newborn.multipleBirth.children': 1, 'newborn.multipleBirth.position': 1.5 } });
    expect(bad.success || bad.issues.map((i) => i.path).sort()).toEqual(['changes.newborn.multipleBirth.children', 'changes.newborn.multipleBirth.position']);
  });
});
