// The five services of the bundle: their names as people read them, and what each needs first.
// No dependencies, so workflow code can import it without pulling in the schemas.
export type ServiceKey = 'birthCertificate' | 'vaccination' | 'household' | 'medicalInsurance' | 'socialSecurityCard';

/** What clerks and parents read for each service. */
export const SERVICE_LABELS: Readonly<Record<ServiceKey, string>> = {
  birthCertificate: '出生医学证明',
  vaccination: '预防接种证',
  household: '户口登记',
  medicalInsurance: '居民医保参保登记',
  socialSecurityCard: '社保卡申领',
};

/** A service needs what the one before it issues (certificate number → citizen ID → enrolment). */
export const SERVICE_PREREQUISITES: Readonly<Partial<Record<ServiceKey, ServiceKey>>> = {
  household: 'birthCertificate',
  medicalInsurance: 'household',
  socialSecurityCard: 'medicalInsurance',
};
