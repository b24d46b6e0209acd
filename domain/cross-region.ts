// Issue 19 (异地通办): where each part of a case is handled, from the application alone. Pure and
// total: the workflow (which services are forwarded), the views and the pages all read it.
import type { Channel, ServiceKey } from './catalog';
import type { CaseCreateRequest, InsuredAt } from './case.schemas';
import { isJinanRegion } from './identity/citizen-id';
import { channelTo } from './regions';

export interface Places {
  /** The region code of the parent the child is registered with (householdOf). */
  householdRegion: string;
  /** Where the household registration (and so the child's citizen ID) is done. */
  householdChannel: Channel;
  /** Where the child joins resident medical insurance (given, or the default below). */
  insuredAt: InsuredAt;
  /** Where the insurance enrolment is done: Jinan → local, else the household's channel. */
  insuranceChannel: Channel;
  /** The social security card goes with the insurance. */
  cardChannel: Channel;
  /** Born outside Jinan, filed at a service hall (bornElsewhere given). */
  inbound: boolean;
  /** Where the birth certificate comes from: the other place's channel for an inbound case, else local. */
  birthChannel: Channel;
  /** The other place's region code for an inbound case, else null. */
  birthRegion: string | null;
}

type PlacesInput = Pick<CaseCreateRequest, 'mother' | 'father' | 'householdOf' | 'insuredAt' | 'residencePermit' | 'bornElsewhere'>;

export function householdRegionOf(application: Pick<CaseCreateRequest, 'mother' | 'father' | 'householdOf'>): string {
  const parent = application.householdOf === 'father' && application.father ? application.father : application.mother;
  return parent.hukouRegionCode;
}

/** insuredAt omitted → 'jinan' when the household is in Jinan or a parent holds a Jinan residence permit, else 'household'. */
export function defaultInsuredAt(householdRegion: string, hasResidencePermit: boolean): InsuredAt {
  return isJinanRegion(householdRegion) || hasResidencePermit ? 'jinan' : 'household';
}

export function placesOf(application: PlacesInput): Places {
  const householdRegion = householdRegionOf(application);
  const householdChannel = channelTo(householdRegion);
  const insuredAt = application.insuredAt ?? defaultInsuredAt(householdRegion, application.residencePermit !== undefined);
  const insuranceChannel: Channel = insuredAt === 'jinan' ? 'local' : householdChannel;
  const birthRegion = application.bornElsewhere?.regionCode ?? null;
  return {
    householdRegion,
    householdChannel,
    insuredAt,
    insuranceChannel,
    cardChannel: insuranceChannel,
    inbound: birthRegion !== null,
    birthChannel: birthRegion === null ? 'local' : channelTo(birthRegion),
    birthRegion,
  };
}

/** The channel each service of a case under the cross-region bundle goes through (the 生育登记 always here). */
export function serviceChannel(places: Places, key: ServiceKey): Channel {
  switch (key) {
    case 'birthCertificate':
    case 'vaccination':
      return places.birthChannel;
    case 'household':
      return places.householdChannel;
    case 'medicalInsurance':
      return places.insuranceChannel;
    case 'socialSecurityCard':
      return places.cardChannel;
    default:
      return 'local';
  }
}

/** The other place a service goes to (its region code), or null when it is handled here. */
export function serviceDestination(places: Places, key: ServiceKey): string | null {
  if (serviceChannel(places, key) === 'local') return null;
  return key === 'birthCertificate' || key === 'vaccination' ? places.birthRegion : places.householdRegion;
}
