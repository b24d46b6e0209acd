// How the parents' pages write a registration's facts: IDs and phones masked as the API masks them
// elsewhere (first and last four, the phone's middle four), the household in words.
export const maskId = (id: string): string => (id.length >= 8 ? `${id.slice(0, 4)}${'*'.repeat(id.length - 8)}${id.slice(-4)}` : id);
export const maskPhone = (phone: string): string => (/^\d{11}$/.test(phone) ? `${phone.slice(0, 3)}****${phone.slice(7)}` : phone);
export const householdText = (who: string): string => (who === 'mother' ? '随母亲落户' : who === 'father' ? '随父亲落户' : '—');
