// jStat (https://jstat.github.io, MIT) ships no types; these are the parts the scripts use.
declare module 'jstat' {
  const jStat: {
    mean(values: readonly number[]): number;
    /** A 1 - alpha confidence interval around `value`, from Student's t over `sample`. */
    tci(value: number, alpha: number, sample: readonly number[]): [number, number];
  };
  export = jStat;
}
