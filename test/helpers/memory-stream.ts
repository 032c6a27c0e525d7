/** A TextSink that keeps what was written, for in-process CLI runs. */
export class MemoryStream {
  #text = '';

  write(text: string): void {
    this.#text += text;
  }

  get text(): string {
    return this.#text;
  }

  lines(): string[] {
    return this.#text.split('\n').filter((line) => line !== '');
  }
}
