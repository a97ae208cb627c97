// The instantiation benchmark's guest: what it does matters little, its size (the QuickJS engine) does.
export function greet(name) {
  return `hello, ${name}`;
}
