// The component: world `hello` implemented in JavaScript, built into a WebAssembly
// component with componentize-qjs (QuickJS). It imports `log` from the host.
import { log } from "example:hello/log@0.1.0";

class GuestBook {
  constructor(title) {
    this.title = title;
    this.names = [];
  }
  sign(who) {
    if (who.name.trim() === "") throw "a signature needs a name";
    this.names.push(who.name);
    log("info", `${who.name} signed "${this.title}"`);
    return this.names.length;
  }
  signatures() {
    return [...this.names];
  }
}

export const greetings = {
  GuestBook,
  greet(who, style) {
    const age = who.age == null ? "" : ` (${who.age})`;
    return style === "formal" ? `Good day, ${who.name}${age}.` : `Hi ${who.name}${age}!`;
  },
};
