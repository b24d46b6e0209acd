// Payload schemas for the case API: one zod schema per payload, the type inferred under the same name.
// Pure module: used by the API (validation, OpenAPI), the workflow (types) and tests.
//
// Every failure reports ALL problems at once: field checks add one issue per problem, and the
// cross-field rules run even when fields failed (`when: () => true`), reading the partial value
// defensively. Our own issues are zod `custom` issues with `params.code` (a stable machine code) and a
// Simplified-Chinese message; toValidationIssues gives zod's built-in issues a code and Chinese text too.
import { z } from 'zod';
import { isServiceKey, SERVICE_KEYS, SERVICES, ServiceKeySchema, type ServiceKey as CatalogServiceKey } from './catalog';
import { ageInYears, daysBetween, instantMs, isIsoDateTime, shanghaiDate } from './dates';
import { isJinanRegion, isPlausibleRegionCode, parseCitizenId, REGION_CODE_PATTERN } from './identity/citizen-id';
import { isKnownRegion } from './regions';
import { GrandparentRelation, SupplementGround } from './policy/conditions';
import { checkMobile, checkPersonName, PERSON_NAME_MAX_LENGTH, PERSON_NAME_MIN_LENGTH, type ContactProblem } from './identity/contact';

export const ServiceKey = ServiceKeySchema;
export type ServiceKey = CatalogServiceKey;
export { SERVICE_KEYS };

/** A parent's age in completed years at the child's birth, by the birth date in the ID (a plausibility check, not law). */
export const PARENT_AGE_LIMITS = {
  mother: { min: 14, max: 60 },
  father: { min: 14, max: 80 },
} as const;

/** Default for caseCreateRequestSchema: the bundle is for children under one year. */
export const DEFAULT_MAX_AGE_DAYS = 365;
/** A hospital system's clock may run slightly ahead of ours: births up to this far "in the future" pass. */
export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;

type Role = '新生儿' | '母亲' | '父亲';

// zod reports a missing enum value as an invalid option, and a missing field's message is English
// text; this marks both, at parse time, so toValidationIssues can say "缺少必填项" reliably.
const MISSING = 'REQUIRED_FIELD_MISSING';
const req = { error: (iss: { input?: unknown }) => (iss.input === undefined ? MISSING : undefined) };
type Ctx = z.core.$RefinementCtx<unknown>;

function addIssue(ctx: Ctx, code: string, message: string, path?: PropertyKey[]): void {
  ctx.addIssue({ code: 'custom', message, params: { code }, ...(path ? { path } : {}) });
}

const addProblems = (ctx: Ctx, who: Role, problems: readonly ContactProblem[]): void => {
  for (const p of problems) addIssue(ctx, p.code, `${who}${p.message}`);
};

/** Control characters (C0, DEL, C1) and the bidirectional overrides/isolates that reorder what is shown. */
/** In a `u` regex a proper surrogate pair is one code point, so only an unpaired half matches \p{Cs}. */
const LONE_SURROGATE = /\p{Cs}/u;
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff]/u;

/** The same rule as a JSON-Schema pattern, for the OpenAPI document (an unpaired surrogate it cannot say). */
const SAFE_TEXT_PATTERN = '^[^\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069\\ufeff]*$';

/** A caller's text as stored: well-formed UTF-16 (no lone surrogate), no control or bidi characters. */
function textProblem(value: string): { code: string; message: string } | null {
  if (LONE_SURROGATE.test(value)) return { code: 'TEXT_MALFORMED', message: '含有无法识别的字符（不成对的代理项）' };
  if (UNSAFE_CHARACTERS.test(value)) return { code: 'TEXT_CONTROL_CHAR', message: '不能包含控制字符或方向控制符' };
  return null;
}

/** Free text (addresses, notes, reasons): NFC-normalised and trimmed; 1..max characters. */
export const freeText = (max: number) =>
  z.string(req).check(
    z.superRefine((value: string, ctx) => {
      const p = textProblem(value);
      if (p) addIssue(ctx, p.code, p.message);
    }),
  ).normalize('NFC').trim().min(1).max(max)
    .meta({ pattern: SAFE_TEXT_PATTERN, description: '不含控制字符、方向控制符或不成对的代理项；按 NFC 规范化存储' });

// Field checks. Surrounding spaces are trimmed before checking and are not stored.
const personName = (who: Role) =>
  z.string(req).check(
    z.superRefine((value: string, ctx) => {
      const p = textProblem(value);
      if (p) addIssue(ctx, p.code, `${who}姓名${p.message}`);
    }),
  ).normalize('NFC').trim().check(
    z.superRefine((value: string, ctx) => {
      const r = checkPersonName(value);
      if (!r.ok) addProblems(ctx, who, r.problems);
    }),
  ).meta({
    minLength: PERSON_NAME_MIN_LENGTH,
    maxLength: PERSON_NAME_MAX_LENGTH,
    description: '汉字姓名，少数民族姓名各部分以间隔号“·”(U+00B7)分隔；2–15个字',
    example: '王芳',
  });

const mobile = (who: Role) =>
  z.string(req).trim().check(
    z.superRefine((value: string, ctx) => {
      const r = checkMobile(value);
      if (!r.ok) addProblems(ctx, who, r.problems);
    }),
  ).meta({ pattern: '^1[3-9]\\d{9}$', minLength: 11, maxLength: 11, description: '11位手机号码', example: '13800138000' });

/** Full GB 11643 check; a lower-case x is stored as X. The holder's sex must match the role. */
const citizenId = (who: '母亲' | '父亲') =>
  z.string(req).trim().toUpperCase().check(
    z.superRefine((value: string, ctx) => {
      const r = parseCitizenId(value);
      if (!r.ok) {
        addProblems(ctx, who, r.problems);
        return;
      }
      const expected = who === '母亲' ? 'F' : 'M';
      if (r.sex !== expected) {
        addIssue(ctx, 'ID_SEX_MISMATCH', `${who}身份证号码第17位显示为${r.sex === 'M' ? '男性' : '女性'}，与${who}身份不符，请核对`);
      }
    }),
  ).meta({
    pattern: `^${REGION_CODE_PATTERN}(19|20)\\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\\d|3[01])\\d{3}[\\dXx]$`,
    minLength: 18,
    maxLength: 18,
    description: '18位公民身份号码(GB 11643-1999)：6位县级行政区划代码、8位出生日期(真实日期，不晚于今天)、3位顺序码(第17位奇数为男、偶数为女，须与母亲/父亲身份相符)、1位 ISO 7064 MOD 11-2 校验码(x按X存储)',
  });

const regionCode = (who: Role) =>
  z.string(req).check(
    z.superRefine((value: string, ctx) => {
      if (!isPlausibleRegionCode(value)) addIssue(ctx, 'REGION_INVALID', `${who}户籍地区码应为6位有效行政区划代码`);
    }),
  ).meta({ pattern: `^${REGION_CODE_PATTERN}$`, description: '6位县级行政区划代码(省级前两位须有效，不以00结尾；港澳台为整区代码)', example: '370102' });

const isoDateTime = z.iso.datetime({ offset: true, ...req }).max(40);

// Policy (issue 11): a multiple birth — how many children the delivery brought, which of them this is.
// Birth order stays per child (twins may be the 2nd and the 3rd child).
const MULTIPLE_BIRTH_CHILDREN = z.number(req).int().min(2, '多胞胎至少为2个孩子').max(9);
const MULTIPLE_BIRTH_POSITION = z.number(req).int().min(1, '出生顺序从1开始').max(9);
const MultipleBirth = z.strictObject({
  children: MULTIPLE_BIRTH_CHILDREN,
  position: MULTIPLE_BIRTH_POSITION,
}).check(z.superRefine((v, ctx) => {
  if (v.position > v.children) addIssue(ctx as Ctx, 'MULTIPLE_BIRTH_POSITION', `多胞胎中的第${v.position}个孩子超出本次分娩的孩子数（${v.children}）`, ['position']);
})).meta({ description: '多胞胎：本次分娩的孩子数和本孩子是第几个（1为第一个出生）' });

export const Newborn = z.strictObject({
  name: personName('新生儿').optional(),
  sex: z.enum(['M', 'F'], req),
  birthAt: isoDateTime,
  birthWeightGrams: z.number(req).int().min(300).max(7000),
  birthOrder: z.number(req).int().min(1).max(20),
  multipleBirth: MultipleBirth.optional(),
}, req).check(z.superRefine((n, ctx) => {
  // Issue 22: a child born k-th of a multiple birth is at least the family's k-th child.
  const position = n.multipleBirth?.position;
  // A position beyond the count is reported on its own field (MULTIPLE_BIRTH_POSITION); judge only a valid one.
  if (position !== undefined && position <= (n.multipleBirth?.children ?? 0) && n.birthOrder < position) {
    addIssue(
      ctx as Ctx,
      'BIRTH_ORDER_BELOW_POSITION',
      `孩次为第${n.birthOrder}孩，但本孩子是本次分娩中第${position}个出生的，孩次至少应为第${position}孩（如双胞胎中后出生的孩子至少是第2孩），请核对孩次或多胞胎信息`,
      ['birthOrder'],
    );
  }
}));
export type Newborn = z.infer<typeof Newborn>;

export const Mother = z.strictObject({
  name: personName('母亲'),
  idNumber: citizenId('母亲'),
  phone: mobile('母亲'),
  hukouRegionCode: regionCode('母亲'),
  insurance: z.enum(['resident', 'employee', 'flexible', 'none'], req),
  lowIncome: z.boolean().default(false),
  // Policy (issue 11): the ground of the +200 childcare-living supplement (clause 12). `lowIncome: true`
  // (the older form) means minimumLivingAllowance; the two are kept in agreement below.
  supplementGround: SupplementGround.default('none').meta({
    description: '育儿生活补贴加发情形：none 无；minimumLivingAllowance 最低生活保障；destituteSupport 特困供养；unemploymentBenefit 领取失业保险金期间',
  }),
}, req)
  .check(z.superRefine((m, ctx) => {
    if (m.lowIncome && m.supplementGround !== 'none' && m.supplementGround !== 'minimumLivingAllowance') {
      addIssue(ctx as Ctx, 'SUPPLEMENT_GROUND_CONFLICT', '母亲“享受低保”与所选育儿生活补贴加发情形不一致，请只选择一种情形', ['supplementGround']);
    }
  }))
  .overwrite((m) => {
    const ground = m.supplementGround === 'none' && m.lowIncome ? 'minimumLivingAllowance' : m.supplementGround;
    return { ...m, supplementGround: ground, lowIncome: ground === 'minimumLivingAllowance' };
  });
export type Mother = z.infer<typeof Mother>;

export const Father = z.strictObject({
  name: personName('父亲'),
  idNumber: citizenId('父亲'),
  phone: mobile('父亲'),
  hukouRegionCode: regionCode('父亲'),
}, req);
export type Father = z.infer<typeof Father>;

export const Delivery = z.strictObject({
  method: z.enum(['ems', 'pickup'], req),
  address: freeText(200).optional(),
  recipient: z.enum(['mother', 'father'], req),
}, req);
export type Delivery = z.infer<typeof Delivery>;

export const Consent = z.strictObject({
  signedBy: z.enum(['mother', 'father'], req),
  signedAt: isoDateTime,
}, req);

// Issue 19 (异地通办): where the child joins resident medical insurance, a parent's Jinan residence
// permit, and a child born outside Jinan whose household is in Jinan (filed at a service hall). All
// optional: an application without them reads as before (insured where the household is, born here).
export const InsuredAt = z.enum(['jinan', 'household'], req).meta({
  description: '新生儿参加城乡居民医保的地点：jinan 在济南参保；household 在户籍地参保（济南的个人缴费减免不适用）。省略时：户籍在济南或持济南居住证为 jinan，否则 household',
});
export type InsuredAt = z.infer<typeof InsuredAt>;

export const ResidencePermit = z.strictObject({
  holder: z.enum(['mother', 'father'], req),
}, req).meta({ description: '父母一方持有济南市居住证（户籍不在济南而在济南参保时必填）' });
export type ResidencePermit = z.infer<typeof ResidencePermit>;

export const BIRTH_CERTIFICATE_NUMBER_PATTERN = '^[A-Z]\\d{9}$';
const birthRegionCode = z.string(req).check(
  z.superRefine((value: string, ctx) => {
    if (!isPlausibleRegionCode(value)) addIssue(ctx, 'REGION_INVALID', '出生地区码应为6位有效行政区划代码');
  }),
).meta({ pattern: `^${REGION_CODE_PATTERN}$`, description: '孩子出生地的6位县级行政区划代码（须在济南以外）', example: '370202' });

export const BornElsewhere = z.strictObject({
  hospitalName: freeText(60),
  regionCode: birthRegionCode,
  certificateNumber: z.string(req).trim().toUpperCase().regex(/^[A-Z]\d{9}$/, '出生医学证明编号应为1个大写字母加9位数字，例如 Q370212345').meta({
    pattern: BIRTH_CERTIFICATE_NUMBER_PATTERN, description: '外地医院签发的出生医学证明编号：1个字母+9位数字', example: 'Q370212345',
  }),
}, req).meta({ description: '在济南以外出生（由政务服务大厅受理，户籍须在济南）：出生医院、出生地区码、出生医学证明编号' });
export type BornElsewhere = z.infer<typeof BornElsewhere>;

// Reading a value that may have failed its own checks: anything may be missing or of the wrong type.
const at = (value: unknown, ...path: string[]): unknown =>
  path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined), value);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function childBirthDate(value: unknown): string | undefined {
  const birthAt = str(at(value, 'newborn', 'birthAt'));
  return birthAt !== undefined && isIsoDateTime(birthAt) ? shanghaiDate(birthAt) : undefined;
}

/** The household's region code as given (the mother's when the father is missing). */
function householdRegionCode(value: unknown): string | undefined {
  const role = at(value, 'householdOf') === 'father' ? 'father' : 'mother';
  return str(at(value, role, 'hukouRegionCode')) ?? str(at(value, 'mother', 'hukouRegionCode'));
}

/** Issue 19: the new optional fields' rules; none fires for an application without them. */
function crossRegionRules(value: unknown, ctx: Ctx): void {
  const household = householdRegionCode(value);
  const householdInJinan = household !== undefined && isJinanRegion(household);
  const permit = at(value, 'residencePermit');
  if (at(value, 'insuredAt') === 'jinan' && household !== undefined && !householdInJinan && permit === undefined) {
    addIssue(ctx, 'RESIDENCE_PERMIT_REQUIRED', '户籍不在济南的孩子在济南参加居民医保，须父母一方持有济南市居住证，请填写居住证持有人或选择在户籍地参保', ['residencePermit']);
  }
  const holder = at(permit, 'holder');
  if (holder === 'father' && (at(value, 'father') === null || at(value, 'father') === undefined)) {
    addIssue(ctx, 'RESIDENCE_PERMIT_HOLDER_MISSING', '居住证持有人为父亲时，必须填写父亲信息', ['residencePermit', 'holder']);
  }
  const bornElsewhere = at(value, 'bornElsewhere');
  if (bornElsewhere === undefined) return;
  if (household !== undefined && !householdInJinan) {
    addIssue(ctx, 'INBOUND_HOUSEHOLD_NOT_JINAN', '在外地出生的孩子通过济南政务服务大厅办理，须在济南落户（随父或随母落户的一方户籍在济南）', ['householdOf']);
  }
  const birthRegion = str(at(bornElsewhere, 'regionCode'));
  if (birthRegion !== undefined && isJinanRegion(birthRegion)) {
    addIssue(ctx, 'BIRTH_REGION_JINAN', '出生地在济南的孩子由分娩医院办理，不属于外地出生；请核对出生地区码', ['bornElsewhere', 'regionCode']);
  }
}

/** Rules across fields that need no clock. */
function crossFieldRules(value: unknown, ctx: Ctx): void {
  const father = at(value, 'father');
  const noFather = father === null || father === undefined;
  if (noFather && at(value, 'householdOf') === 'father') {
    addIssue(ctx, 'FATHER_REQUIRED', '选择随父亲落户时，必须填写父亲信息', ['father']);
  }
  if (noFather && at(value, 'married') === true) {
    addIssue(ctx, 'MARRIED_WITHOUT_FATHER', '未填写父亲信息时，婚姻状况应为未婚；已婚请填写父亲信息', ['married']);
  }
  if (noFather && at(value, 'delivery', 'recipient') === 'father') {
    addIssue(ctx, 'RECIPIENT_FATHER_MISSING', '收件人为父亲时，必须填写父亲信息', ['delivery', 'recipient']);
  }
  if (noFather && at(value, 'consent', 'signedBy') === 'father') {
    addIssue(ctx, 'SIGNER_FATHER_MISSING', '由父亲签署授权时，必须填写父亲信息', ['consent', 'signedBy']);
  }
  if (at(value, 'delivery', 'method') === 'ems' && !str(at(value, 'delivery', 'address'))?.trim()) {
    addIssue(ctx, 'ADDRESS_REQUIRED', '选择EMS邮寄时，必须填写邮寄地址', ['delivery', 'address']);
  }
  const services = at(value, 'services');
  if (Array.isArray(services) && new Set(services).size !== services.length) {
    addIssue(ctx, 'SERVICE_DUPLICATE', '申请事项不能重复', ['services']);
  }
  if (Array.isArray(services)) {
    for (const service of services) {
      const needs = isServiceKey(service) ? SERVICES[service].prerequisite : null;
      if (isServiceKey(service) && needs && !services.includes(needs)) {
        addIssue(ctx, 'SERVICE_PREREQUISITE_MISSING', `申请「${SERVICES[service].label}」须同时申请「${SERVICES[needs].label}」`, ['services']);
      }
    }
  }

  crossRegionRules(value, ctx);
  const birthDate = childBirthDate(value);
  if (birthDate === undefined) return;
  for (const [role, who] of [['mother', '母亲'], ['father', '父亲']] as const) {
    const id = str(at(value, role, 'idNumber'));
    const parsed = id === undefined ? undefined : parseCitizenId(id.trim());
    if (!parsed?.ok) continue; // the ID's own problems are reported on the field
    const age = ageInYears(parsed.birthDate, birthDate);
    const { min, max } = PARENT_AGE_LIMITS[role];
    if (age < min || age > max) {
      addIssue(
        ctx,
        role === 'mother' ? 'MOTHER_AGE_IMPLAUSIBLE' : 'FATHER_AGE_IMPLAUSIBLE',
        `按身份证号码，${who}在孩子出生时${age < 0 ? '尚未出生' : `为${age}周岁`}，不在合理范围（${min}–${max}周岁），请核对身份证号码和出生时间`,
        [role, 'idNumber'],
      );
    }
  }
}

/**
 * The application as the hospital sends it, with every check that needs no clock. Use
 * caseCreateRequestSchema({ now }) at the API, which adds the checks against the current time.
 */
export const CaseCreateRequest = z
  .strictObject({
    newborn: Newborn,
    mother: Mother,
    father: Father.nullable().default(null),
    married: z.boolean(req),
    householdOf: z.enum(['mother', 'father'], req),
    services: z.array(ServiceKey).min(1).max(SERVICE_KEYS.length).default([...SERVICE_KEYS]),
    delivery: Delivery,
    consent: Consent,
    /** grandparents insured in Jinan long-term-care insurance: their LTC contribution is waived too (clause 15) */
    grandparentsInLtc: z.array(z.strictObject({ relation: GrandparentRelation })).max(4).optional(),
    insuredAt: InsuredAt.optional(),
    residencePermit: ResidencePermit.optional(),
    bornElsewhere: BornElsewhere.optional(),
  })
  .check(z.superRefine((value, ctx) => crossFieldRules(value, ctx as Ctx), { when: () => true }));
export type CaseCreateRequest = z.infer<typeof CaseCreateRequest>;

export interface CaseCreateClockOptions {
  /** The current instant, ISO 8601 with offset (the API's clock; a workflow's deterministic clock). */
  now: string;
  /** Oldest child accepted, in days from the birth date to today (Asia/Shanghai). Default 365. */
  maxAgeDays?: number;
  /** Tolerance for clocks ahead of ours. Default 5 minutes. */
  clockSkewMs?: number;
  /**
   * Issue 19: region codes must be in the GB/T 2260 table (domain/regions.ts), not only plausible.
   * The API sets it; the workflow (corrections of running cases) does not, so old cases judge as before.
   */
  knownRegions?: boolean;
}

const REGION_FIELDS = [
  [['mother', 'hukouRegionCode'], '母亲户籍地区码'],
  [['father', 'hukouRegionCode'], '父亲户籍地区码'],
  [['bornElsewhere', 'regionCode'], '出生地区码'],
] as const;

/** Plausible codes that the GB/T 2260 table does not know (the implausible ones are reported on the field). */
export function unknownRegionRules(value: unknown, ctx: Ctx): void {
  for (const [path, label] of REGION_FIELDS) {
    const code = str(at(value, ...path));
    if (code !== undefined && isPlausibleRegionCode(code) && !isKnownRegion(code)) {
      addIssue(ctx, 'REGION_UNKNOWN', `${label}“${code}”不在全国行政区划代码表（GB/T 2260）中，请按户口簿或出生医学证明核对`, [...path]);
    }
  }
}

/**
 * CaseCreateRequest plus the rules that read the clock: the birth and the consent not in the future,
 * the child not older than `maxAgeDays`. Same type as CaseCreateRequest.
 */
export function caseCreateRequestSchema(opts: CaseCreateClockOptions): typeof CaseCreateRequest {
  const nowMs = instantMs(opts.now);
  const today = shanghaiDate(opts.now);
  const maxAgeDays = opts.maxAgeDays ?? DEFAULT_MAX_AGE_DAYS;
  const skew = opts.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  const schema = opts.knownRegions === true
    ? CaseCreateRequest.check(z.superRefine((value, ctx) => unknownRegionRules(value, ctx as Ctx), { when: () => true }))
    : CaseCreateRequest;
  return schema.check(
    z.superRefine(
      (value, ctx) => {
        const birthAt = str(at(value, 'newborn', 'birthAt'));
        if (birthAt !== undefined && isIsoDateTime(birthAt)) {
          if (instantMs(birthAt) > nowMs + skew) {
            addIssue(ctx as Ctx, 'BIRTH_IN_FUTURE', `出生时间${birthAt}晚于当前时间，请核对`, ['newborn', 'birthAt']);
          } else if (daysBetween(shanghaiDate(birthAt), today) > maxAgeDays) {
            addIssue(
              ctx as Ctx,
              'BIRTH_TOO_OLD',
              `孩子出生已超过${maxAgeDays}天，不能通过“出生一件事”联办，请到各部门分别办理`,
              ['newborn', 'birthAt'],
            );
          }
        }
        const signedAt = str(at(value, 'consent', 'signedAt'));
        if (signedAt !== undefined && isIsoDateTime(signedAt) && instantMs(signedAt) > nowMs + skew) {
          addIssue(ctx as Ctx, 'CONSENT_IN_FUTURE', `授权签署时间${signedAt}晚于当前时间，请核对`, ['consent', 'signedAt']);
        }
      },
      { when: () => true },
    ),
  );
}

/**
 * The fields a correction may name, by dotted path. A path is valid only if it is one of these exactly
 * (a Set lookup, never a property lookup), so `__proto__`, `constructor` or `toString` never reach code
 * that walks or writes an object by a caller's path.
 */
export const CorrectablePath = z.enum([
  'newborn.name', 'newborn.sex', 'newborn.birthAt', 'newborn.birthWeightGrams', 'newborn.birthOrder',
  'newborn.multipleBirth.children', 'newborn.multipleBirth.position',
  'mother.name', 'mother.idNumber', 'mother.phone', 'mother.hukouRegionCode', 'mother.insurance', 'mother.lowIncome',
  'father.name', 'father.idNumber', 'father.phone', 'father.hukouRegionCode',
  'married', 'householdOf', 'delivery.method', 'delivery.address', 'delivery.recipient', 'mother.supplementGround',
]);
export type CorrectablePath = z.infer<typeof CorrectablePath>;
const CORRECTABLE_PATHS: ReadonlySet<string> = new Set(CorrectablePath.options);
export const isCorrectablePath = (path: string): path is CorrectablePath => CORRECTABLE_PATHS.has(path);

/** Paths that a correction may name whose values have a format of their own. */
const CORRECTION_VALUE_CHECKS: ReadonlyMap<CorrectablePath, z.ZodType> = new Map<CorrectablePath, z.ZodType>([
  ['newborn.name', personName('新生儿')],
  ['newborn.birthAt', isoDateTime],
  ['mother.name', personName('母亲')],
  ['mother.idNumber', citizenId('母亲')],
  ['mother.phone', mobile('母亲')],
  ['mother.hukouRegionCode', regionCode('母亲')],
  ['father.name', personName('父亲')],
  ['father.idNumber', citizenId('父亲')],
  ['father.phone', mobile('父亲')],
  ['father.hukouRegionCode', regionCode('父亲')],
  ['delivery.address', freeText(200)],
  ['mother.supplementGround', SupplementGround],
  ['newborn.multipleBirth.children', MULTIPLE_BIRTH_CHILDREN],
  ['newborn.multipleBirth.position', MULTIPLE_BIRTH_POSITION],
]);
const MAX_CHANGES = 20;

const docOf = (schema: z.ZodType): Record<string, unknown> => {
  const { $schema: _dialect, ...doc } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return doc;
};
/** What each correctable path takes, for the OpenAPI document (the same schemas a new case is checked with). */
const CORRECTION_VALUE_DOC: Record<CorrectablePath, Record<string, unknown>> = {
  'newborn.name': docOf(personName('新生儿')), 'newborn.sex': docOf(z.enum(['M', 'F'])), 'newborn.birthAt': docOf(isoDateTime),
  'newborn.birthWeightGrams': docOf(z.number().int().min(300).max(7000)), 'newborn.birthOrder': docOf(z.number().int().min(1).max(20)),
  'newborn.multipleBirth.children': docOf(MULTIPLE_BIRTH_CHILDREN), 'newborn.multipleBirth.position': docOf(MULTIPLE_BIRTH_POSITION),
  'mother.name': docOf(personName('母亲')), 'mother.idNumber': docOf(citizenId('母亲')), 'mother.phone': docOf(mobile('母亲')),
  'mother.hukouRegionCode': docOf(regionCode('母亲')), 'mother.insurance': docOf(z.enum(['resident', 'employee', 'flexible', 'none'])),
  'mother.lowIncome': docOf(z.boolean()), 'father.name': docOf(personName('父亲')), 'father.idNumber': docOf(citizenId('父亲')),
  'father.phone': docOf(mobile('父亲')), 'father.hukouRegionCode': docOf(regionCode('父亲')), married: docOf(z.boolean()),
  householdOf: docOf(z.enum(['mother', 'father'])), 'delivery.method': docOf(z.enum(['ems', 'pickup'])),
  'delivery.address': docOf(freeText(200)), 'delivery.recipient': docOf(z.enum(['mother', 'father'])),
  'mother.supplementGround': docOf(SupplementGround),
};

const CorrectionValue = z.union([z.string().max(200), z.number(), z.boolean(), z.null()]);
/** The changes object: every own key must be a correctable path, checked before anything else reads it. */
const CorrectionChanges = z
  .unknown()
  // On the raw body, before the record parser (which silently drops an own `__proto__` key).
  .check(
    z.superRefine((changes, ctx) => {
      if (changes === null || typeof changes !== 'object' || Array.isArray(changes)) return;
      for (const path of Object.keys(changes)) {
        if (!isCorrectablePath(path)) addIssue(ctx as Ctx, 'FIELD_NOT_CORRECTABLE', `字段“${path.slice(0, 64)}”不可更正`, [path]);
      }
    }),
  )
  .pipe(z.partialRecord(CorrectablePath, CorrectionValue))
  .meta({
    type: 'object',
    properties: Object.fromEntries(CorrectablePath.options.map((p) => [p, CORRECTION_VALUE_DOC[p]])),
    additionalProperties: false,
    minProperties: 1,
    maxProperties: MAX_CHANGES,
    description: '要更正的字段（点分路径）→ 新值；只接受列出的字段',
  });

export const CorrectionRequest = z
  .strictObject({
    changes: CorrectionChanges,
    note: freeText(500).optional(),
  })
  // Store what the field schemas normalise (trimmed, upper-case X), as a new application would.
  .overwrite((req) => ({
    ...req,
    changes: Object.fromEntries(
      Object.entries(req.changes).map(([path, v]) => {
        const check = isCorrectablePath(path) ? CORRECTION_VALUE_CHECKS.get(path) : undefined;
        const parsed = check && typeof v === 'string' ? check.safeParse(v) : undefined;
        return [path, parsed?.success && typeof parsed.data === 'string' ? parsed.data : v];
      }),
    ),
  }))
  .check(
    z.superRefine((req, ctx) => {
      const entries = Object.entries(req.changes);
      if (entries.length > MAX_CHANGES) addIssue(ctx as Ctx, 'TOO_MANY_CHANGES', `一次最多更正${MAX_CHANGES}项`, ['changes']);
      for (const [path, v] of entries) {
        const check = isCorrectablePath(path) ? CORRECTION_VALUE_CHECKS.get(path) : undefined;
        if (!check || v === null) continue;
        const r = check.safeParse(v);
        if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: ['changes', path, ...issue.path] } as never);
      }
    }),
  );
export type CorrectionRequest = z.infer<typeof CorrectionRequest>;

export const CancelRequest = z.strictObject({ reason: freeText(500) });
export type CancelRequest = z.infer<typeof CancelRequest>;

/** A clerk's or operator's answer to a service that needs attention (see the workflow's resolveService). */
export const ResolveRequest = z.strictObject({
  action: z.enum(['retry', 'resubmit', 'abandon']),
  note: z.string().trim().min(1).max(500),
});
export type ResolveRequest = z.infer<typeof ResolveRequest>;

/** The `Idempotency-Key` request header of a correction: a retry with the same key is applied once. */
export const IdempotencyKeyHeader = z.string().regex(/^[A-Za-z0-9._:-]{8,100}$/);

export const ReviewDecisionRequest = z.strictObject({
  decision: z.enum(['approve', 'reject'], req),
  reason: freeText(500),
});
export type ReviewDecisionRequest = z.infer<typeof ReviewDecisionRequest>;

export const TrackRequest = z.strictObject({
  trackingCode: z.string().min(8).max(32),
  phoneLast4: z.string().regex(/^\d{4}$/),
});
export type TrackRequest = z.infer<typeof TrackRequest>;

export const TrackInputRequest = TrackRequest.extend({
  input: z.strictObject({ newbornName: personName('新生儿') }),
});
export type TrackInputRequest = z.infer<typeof TrackInputRequest>;

/**
 * The field checks a family registration (domain/family-registration.ts) shares with a case's parents:
 * the same names, ID numbers, phones and region codes, the same messages and codes.
 */
export const parentFieldChecks = { personName, citizenId, mobile, regionCode, isoDateTime, missing: req, addIssue } as const;

// ---- Issues for people ----------------------------------------------------------------------------

export interface ValidationIssue { path: string; code: string; message: string }

/** Chinese names of the fields a clerk fills in; indices in paths are ignored (`services.2` → `services`). */
export const FIELD_LABELS: Readonly<Record<string, string>> = {
  '': '请求内容',
  newborn: '新生儿信息',
  'newborn.name': '新生儿姓名',
  'newborn.sex': '新生儿性别',
  'newborn.birthAt': '出生时间',
  'newborn.birthWeightGrams': '出生体重（克）',
  'newborn.birthOrder': '孩次',
  mother: '母亲信息',
  'mother.name': '母亲姓名',
  'mother.idNumber': '母亲身份证号码',
  'mother.phone': '母亲手机号码',
  'mother.hukouRegionCode': '母亲户籍地区码',
  'mother.insurance': '母亲参保类型',
  'mother.lowIncome': '母亲是否享受低保',
  'mother.supplementGround': '育儿生活补贴加发情形',
  'newborn.multipleBirth': '多胞胎信息',
  'newborn.multipleBirth.children': '本次分娩孩子数',
  'newborn.multipleBirth.position': '本孩子是第几个出生',
  father: '父亲信息',
  'father.name': '父亲姓名',
  'father.idNumber': '父亲身份证号码',
  'father.phone': '父亲手机号码',
  'father.hukouRegionCode': '父亲户籍地区码',
  married: '婚姻状况',
  householdOf: '随父/随母落户',
  services: '申请事项',
  delivery: '证件领取方式',
  'delivery.method': '领取方式',
  'delivery.address': '邮寄地址',
  'delivery.recipient': '收件人',
  consent: '授权信息',
  'consent.signedBy': '授权签署人',
  'consent.signedAt': '授权签署时间',
  changes: '更正内容',
  note: '备注',
  reason: '原因',
  decision: '审核决定',
  trackingCode: '查询码',
  phoneLast4: '手机号后4位',
  input: '补充信息',
  'input.newbornName': '新生儿姓名',
  // a family registration (生育登记, domain/family-registration.ts)
  marriage: '婚姻状况',
  'marriage.married': '是否已婚',
  'marriage.marriedOn': '结婚登记日期',
  childrenBefore: '此前已生育子女数',
  expectedMonth: '预产期（年月）',
  hospitalId: '分娩医院',
  motherIdNumber: '母亲身份证号码',
  // issue 19 (异地通办)
  insuredAt: '参保地',
  residencePermit: '济南市居住证',
  'residencePermit.holder': '居住证持有人',
  bornElsewhere: '外地出生信息',
  'bornElsewhere.hospitalName': '出生医院名称',
  'bornElsewhere.regionCode': '出生地区码',
  'bornElsewhere.certificateNumber': '出生医学证明编号',
};

function labelOf(path: readonly PropertyKey[]): string {
  const keys = path.filter((p) => typeof p === 'string') as string[];
  const joined = keys.join('.');
  // A correction names a field of the application: `changes` → `mother.phone` reads as 母亲手机号码.
  const field = keys[0] === 'changes' && keys.length > 1 ? keys.slice(1).join('.') : joined;
  return FIELD_LABELS[field] ?? FIELD_LABELS[joined] ?? `字段“${joined}”`;
}

const TYPE_NAMES: Record<string, string> = {
  string: '文本', number: '数字', int: '整数', boolean: '是/否（true/false）', object: '对象', array: '列表',
  record: '对象', null: '空值（null）',
};

function describe(issue: z.core.$ZodIssue): { code: string; message: string } {
  const label = labelOf(issue.path);
  if (issue.message === MISSING) return { code: 'REQUIRED', message: `缺少必填项：${label}` };
  switch (issue.code) {
    case 'custom': {
      const code = typeof issue.params?.code === 'string' ? issue.params.code : 'INVALID';
      return { code, message: issue.message };
    }
    case 'invalid_type': {
      const missing = 'input' in issue ? issue.input === undefined : /received undefined/.test(issue.message);
      if (missing) return { code: 'REQUIRED', message: `缺少必填项：${label}` };
      return { code: 'INVALID_TYPE', message: `${label}应为${TYPE_NAMES[issue.expected] ?? issue.expected}` };
    }
    case 'too_small': {
      const min = Number(issue.minimum);
      if (issue.origin === 'string') {
        return min <= 1 ? { code: 'REQUIRED', message: `${label}不能为空` } : { code: 'TOO_SHORT', message: `${label}至少${min}个字符` };
      }
      if (issue.origin === 'array') return { code: 'TOO_FEW', message: `${label}至少选择${min}项` };
      return { code: 'TOO_SMALL', message: `${label}不能小于${min}` };
    }
    case 'too_big': {
      const max = Number(issue.maximum);
      if (issue.origin === 'string') return { code: 'TOO_LONG', message: `${label}最多${max}个字符` };
      if (issue.origin === 'array') return { code: 'TOO_MANY', message: `${label}最多${max}项` };
      return { code: 'TOO_BIG', message: `${label}不能大于${max}` };
    }
    case 'invalid_format':
      if (issue.format === 'datetime') {
        return { code: 'INVALID_DATETIME', message: `${label}应为带时区的时间，例如 2026-11-20T08:30:00+08:00` };
      }
      if (issue.format === 'date') return { code: 'INVALID_DATE', message: `${label}应为日期，例如 2026-11-20` };
      return { code: 'INVALID_FORMAT', message: `${label}格式不正确` };
    case 'invalid_value':
      return { code: 'INVALID_VALUE', message: `${label}的取值无效，可选：${issue.values.map(String).join('、')}` };
    case 'unrecognized_keys':
      return { code: 'UNKNOWN_FIELD', message: `不允许的字段：${issue.keys.join('、')}` };
    case 'not_multiple_of':
      return { code: 'INVALID_NUMBER', message: `${label}应为${issue.divisor}的整数倍` };
    default:
      return { code: 'INVALID', message: `${label}无效` };
  }
}

/**
 * Every problem at once, each with its path, a stable code and a message a clerk understands.
 * An unknown field is reported at its own path (`mother.nickname`), one issue per field.
 */
export function toValidationIssues(error: z.ZodError): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const issue of error.issues as z.core.$ZodIssue[]) {
    const path = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        issues.push({ path: path ? `${path}.${key}` : key, code: 'UNKNOWN_FIELD', message: `不允许的字段“${key}”，请删除` });
      }
      continue;
    }
    issues.push({ path, ...describe(issue) });
  }
  return issues;
}

/** Parses and, on failure, returns the issues ready for the API's VALIDATION_FAILED body. */
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
): { success: true; data: z.infer<S> } | { success: false; issues: ValidationIssue[] } {
  // reportInput lets toValidationIssues tell a missing field from a wrong type without reading zod's English text.
  const r = schema.safeParse(input, { reportInput: true });
  return r.success ? { success: true, data: r.data } : { success: false, issues: toValidationIssues(r.error) };
}
