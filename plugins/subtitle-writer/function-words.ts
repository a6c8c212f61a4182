/**
 * Words a subtitle line should not end on (articles, prepositions, conjunctions) and that
 * a line may start with — the natural places to break a line are before them. Unknown
 * languages get punctuation-only breaking.
 */
const WORDS: Record<string, { before: string; articles: string }> = {
  en: {
    before: 'and but or nor so yet because if when while that which who whom whose where to of in on at for with from by about into onto than as after before until unless although though like',
    articles: 'a an the my your his her its our their this these those',
  },
  es: {
    before: 'y e o u ni pero sino que porque si cuando como donde de del en con por para a al sin sobre entre hasta desde hacia según tras aunque mientras',
    articles: 'el la los las un una unos unas lo mi mis tu tus su sus nuestro nuestra nuestros nuestras este esta estos estas ese esa',
  },
  ca: {
    before: 'i o ni però sinó que perquè si quan com on de del dels en amb per a al als sense sobre entre fins des cap malgrat mentre',
    articles: "el la els les un una uns unes l' en na mon ma meu meva teu teva seu seva aquest aquesta",
  },
  fr: {
    before: 'et ou ni mais donc car que qui quoi dont où si quand comme de du des en avec pour par à au aux sans sur sous dans entre vers chez',
    articles: 'le la les un une des mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs ce cet cette ces',
  },
  de: {
    before: 'und oder aber denn sondern dass weil wenn als ob wie von mit für zu in an auf aus bei nach über unter vor durch gegen ohne um',
    articles: 'der die das den dem des ein eine einen einem einer eines mein meine dein deine sein seine ihr ihre unser unsere',
  },
  it: {
    before: 'e o ma però che perché se quando come dove di del della dei delle in con per a al alla da su tra fra senza',
    articles: 'il lo la i gli le un uno una mio mia tuo tua suo sua nostro nostra questo questa quel quella',
  },
  pt: {
    before: 'e ou nem mas porém que porque se quando como onde de do da dos das em no na nos nas com por para a ao aos sem sobre entre até desde',
    articles: 'o a os as um uma uns umas meu minha teu tua seu sua nosso nossa este esta esse essa',
  },
};

export interface FunctionWords {
  /** A line may well start with one of these. */
  breakBefore: ReadonlySet<string>;
  /** A line should not end with one of these. */
  noLineEnd: ReadonlySet<string>;
}

const cache = new Map<string, FunctionWords>();

export function functionWords(language: string | undefined): FunctionWords {
  const code = (language ?? '').toLowerCase().split(/[-_]/)[0]!;
  let fw = cache.get(code);
  if (!fw) {
    const w = WORDS[code];
    const before = new Set(w ? w.before.split(' ') : []);
    fw = { breakBefore: before, noLineEnd: new Set([...before, ...(w ? w.articles.split(' ') : [])]) };
    cache.set(code, fw);
  }
  return fw;
}
