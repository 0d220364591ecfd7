/** Deterministic synthetic data for benchmarks: people, companies, numbers and message text. */
import { seededRandom as mulberry32 } from '../../../electron/shared/random'

export { mulberry32 }

export const pick = <T>(random: () => number, list: readonly T[]): T => list[Math.floor(random() * list.length)]

const FIRST = `Ana Ben Chloé Dan Emma Liam Olivia Noah Ava Lucas Sofia Mateo Mia Hugo Léa Jonas Amira Omar Fatima Yusuf Aisha
Wei Mei Hiroshi Yuki Sakura Min-jun Ji-woo Priya Arjun Rahul Ananya Kwame Ama Chidi Ngozi Tunde Zanele Thabo Lerato Ivan Olga
Dmitri Anastasia Piotr Zofia Jan Katarzyna Lars Ingrid Sven Astrid Matteo Giulia Francesco Chiara Pablo Lucía Diego Valentina
Joao Beatriz Rafael Mariana Thomas Sarah Michael Jessica David Jennifer James Linda Robert Patricia William Elizabeth Carlos
Isabel Miguel Carmen Andrés Camila Ahmed Leila Karim Yasmin Tariq Noor Samuel Grace Daniel Hannah Joseph Rachel Benjamin Abigail
Ethan Chloe Nathan Zoe Oscar Ruby Felix Ivy Leo Nora Marco Elena Stefan Mila Nikola Ana-Maria Bogdan Ioana Kofi Efua Sipho
Nomvula Rohan Kavya Vikram Deepa Sunil Meera Tenzin Pema Ali Zeynep Emre Elif Can Selin Hamid Parisa Reza Shirin Sean Aoife`.split(/\s+/)

const LAST = `Souza Okafor Martin Notonwa Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez
Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker
Young Allen King Wright Scott Torres Nguyen Hill Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Müller
Schmidt Schneider Fischer Weber Meyer Wagner Becker Dubois Lefèvre Moreau Laurent Rossi Russo Ferrari Esposito Bianchi Romano
Silva Santos Oliveira Pereira Costa Kowalski Nowak Wiśniewski Novák Svoboda Ivanov Petrov Sokolov Andersson Johansson Nilsson
Hansen Jensen Nielsen Tanaka Suzuki Takahashi Watanabe Kim Park Choi Chen Wang Li Zhang Liu Patel Sharma Singh Gupta Kumar Reddy
Okonkwo Adeyemi Mensah Boateng Dlamini Nkosi Mokoena Haddad Khalil Nasser Yilmaz Kaya Demir Hosseini Rahimi O'Brien Murphy Kelly`.split(
  /\s+/,
)

const COMPANY_A = `Acme Blue Summit North Bright Green Pacific Atlas Harbor Pioneer Silver Golden Urban Metro Coastal Prime Apex
Evergreen Riverside Lakeside Cedar Oak Maple Granite Horizon Keystone Liberty Union Royal Unity Vertex Zenith Nova Orion Delta`.split(/\s+/)
const COMPANY_B = `Dental Logistics Plumbing Realty Bakery Motors Consulting Tech Software Insurance Pharmacy Clinic Legal Partners
Construction Catering Florist Travel Fitness Print Studio Labs Foods Energy Solar Electric Roofing Veterinary Optical Salon Cafe`.split(
  /\s+/,
)
const COMPANY_C = ['Inc', 'LLC', 'Ltd', 'Group', 'Co', 'GmbH', 'SA', '& Sons', 'Services', '']
const AREA_CODES = [212, 213, 312, 415, 510, 617, 646, 702, 713, 718, 786, 808, 917, 206, 303, 404, 503, 602, 614, 919]

export interface PersonData {
  name: string
  company?: string
  phone: string
  email?: string
}

/** `count` people with unique E.164 numbers (US area codes, `555`-free so they look real). */
export function people(count: number, seed = 7): PersonData[] {
  const random = mulberry32(seed)
  const out: PersonData[] = []
  for (let i = 0; i < count; i++) {
    const first = pick(random, FIRST)
    const last = pick(random, LAST)
    const company =
      random() < 0.6
        ? `${pick(random, COMPANY_A)} ${pick(random, COMPANY_B)}${(() => {
            const c = pick(random, COMPANY_C)
            return c ? ` ${c}` : ''
          })()}`
        : undefined
    const area = AREA_CODES[i % AREA_CODES.length]
    // Unique per index: the exchange and line carry i / AREA_CODES.length.
    const n = Math.floor(i / AREA_CODES.length)
    const exchange = 200 + (n % 700)
    const line = Math.floor(n / 700) * 97 + (n % 97)
    const phone = `+1${area}${exchange}${String(line % 10000).padStart(4, '0')}`
    out.push({
      name: `${first} ${last}`,
      company,
      phone,
      ...(random() < 0.4 ? { email: `${first}.${last}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, '') } : {}),
    })
  }
  const seen = new Set<string>()
  for (const p of out) {
    if (seen.has(p.phone)) throw new Error(`duplicate synthetic phone ${p.phone}`)
    seen.add(p.phone)
  }
  return out
}

const COMMON = `the to and a i you of is it for in that on we be this have your with can are at will me my not do so but
just if get what all about please thanks know when there out up from was now how like good see one time call back today
tomorrow order need send new week can't would could should let more any our us they them here hi hello yes no ok okay sure
great thank sorry meeting appointment delivery invoice payment price quote account number address tracking package confirm
received update available morning afternoon evening monday tuesday wednesday thursday friday weekend next last soon later
right still already also very much well want help check question problem issue email phone message reply schedule booking`.split(/\s+/)

const SYLLABLES = 'ka lo mi ne ru ta po si de va zo fi la ne bo ri mu te sa ko li da vo pe ni ga tu ro me ba ze ho ju'.split(' ')

/** A 5,060-word vocabulary: common chat words first, then pronounceable rarities. */
export function vocabulary(size = 5060, seed = 11): string[] {
  const random = mulberry32(seed)
  const words = [...new Set(COMMON)]
  const seen = new Set(words)
  while (words.length < size) {
    const parts = 2 + Math.floor(random() * 3)
    let word = ''
    for (let i = 0; i < parts; i++) word += pick(random, SYLLABLES)
    if (!seen.has(word)) {
      seen.add(word)
      words.push(word)
    }
  }
  return words
}

/** Samples word ranks with Zipf(s = 1) weights, like natural text. */
export class ZipfText {
  private readonly cumulative: Float64Array
  constructor(
    readonly words: readonly string[],
    private readonly random: () => number,
  ) {
    this.cumulative = new Float64Array(words.length)
    let total = 0
    for (let i = 0; i < words.length; i++) {
      total += 1 / (i + 1)
      this.cumulative[i] = total
    }
    for (let i = 0; i < words.length; i++) this.cumulative[i] /= total
  }

  word(): string {
    const r = this.random()
    let lo = 0
    let hi = this.cumulative.length - 1
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.cumulative[mid] < r) lo = mid + 1
      else hi = mid
    }
    return this.words[lo]
  }

  /** A message body of about 75–85 characters. */
  body(): string {
    const target = 75 + Math.floor(this.random() * 11)
    let text = this.word()
    while (text.length < target) text += ` ${this.word()}`
    return text.charAt(0).toUpperCase() + text.slice(1)
  }
}

/** Time-ordered ids shaped like the engine's (prefix + base36 time + counter + random hex). */
export function timeOrderedIds(prefix: string, random: () => number): (at: number) => string {
  let last = 0
  let counter = 0
  return (at) => {
    if (at === last) counter++
    else {
      last = at
      counter = 0
    }
    const tail = Math.floor(random() * 0xffffffffffff)
      .toString(16)
      .padStart(12, '0')
    return `${prefix}${at.toString(36).padStart(9, '0')}${counter.toString(36).padStart(4, '0')}${tail}`
  }
}
