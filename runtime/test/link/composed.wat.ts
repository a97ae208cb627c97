/**
 * A composed component written as component text: an outer component
 * instantiating `$Lib` (utf16 strings, a `blob` resource with a destructor)
 * and `$App` (latin1+utf16 strings) which imports `$Lib`'s instance. Every call
 * from App into Lib is a sync-to-sync adapter between two memories.
 */

const REALLOC = `
    (global $bump (mut i32) (i32.const 1024))
    (func $realloc (export "realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $new i32) (result i32)
      (local $p i32)
      (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                             (i32.sub (i32.const 0) (local.get $align))))
      (global.set $bump (i32.add (local.get $p) (local.get $new)))
      (block $ok
        (loop $grow
          (br_if $ok (i32.le_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
          (drop (memory.grow (i32.const 1)))
          (br $grow)))
      (if (local.get $oldsize)
        (then (memory.copy (local.get $p) (local.get $old)
          (select (local.get $oldsize) (local.get $new) (i32.lt_u (local.get $oldsize) (local.get $new))))))
      (local.get $p))`;

export const COMPOSED_WAT = `(component
  (component $Lib
    ;; The destructor lives in its own core instance so the resource type can be defined before main.
    (core module $State
      (global $dropped (export "dropped") (mut i32) (i32.const 0))
      (func (export "dtor") (param i32) (global.set $dropped (i32.add (global.get $dropped) (i32.const 1)))))
    (core instance $state (instantiate $State))
    (alias core export $state "dtor" (core func $dtor))
    (type $blob (resource (rep i32) (dtor (core func $dtor))))
    (export $blob-e "blob" (type $blob))
    (core func $blob-new (canon resource.new $blob))
    (core instance $res (export "new" (func $blob-new)))
    (core module $Main
      (import "res" "new" (func $new (param i32) (result i32)))
      (import "state" "dropped" (global $dropped (mut i32)))
      (memory (export "mem") 1)
      ${REALLOC}
      ;; shout(s) -> string: ASCII letters uppercased, "!" appended (utf16 code units).
      (func (export "shout") (param $p i32) (param $n i32) (result i32) (local $q i32) (local $i i32) (local $u i32)
        (local.set $q (call $realloc (i32.const 0) (i32.const 0) (i32.const 2) (i32.shl (i32.add (local.get $n) (i32.const 1)) (i32.const 1))))
        (block $done (loop $l
          (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
          (local.set $u (i32.load16_u (i32.add (local.get $p) (i32.shl (local.get $i) (i32.const 1)))))
          (if (i32.and (i32.ge_u (local.get $u) (i32.const 97)) (i32.le_u (local.get $u) (i32.const 122)))
            (then (local.set $u (i32.sub (local.get $u) (i32.const 32)))))
          (i32.store16 (i32.add (local.get $q) (i32.shl (local.get $i) (i32.const 1))) (local.get $u))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $l)))
        (i32.store16 (i32.add (local.get $q) (i32.shl (local.get $n) (i32.const 1))) (i32.const 33))
        (i32.store (i32.const 16) (local.get $q))
        (i32.store (i32.const 20) (i32.add (local.get $n) (i32.const 1)))
        (i32.const 16))
      ;; make-blob(s) -> own<blob>: rep = address of a (ptr, len) cell holding the string.
      (func (export "make-blob") (param $p i32) (param $n i32) (result i32) (local $c i32)
        (local.set $c (call $realloc (i32.const 0) (i32.const 0) (i32.const 4) (i32.const 8)))
        (i32.store (local.get $c) (local.get $p))
        (i32.store offset=4 (local.get $c) (local.get $n))
        (call $new (local.get $c)))
      ;; [method]blob.text(self) -> string: the cell is the result pair.
      (func (export "blob-text") (param $rep i32) (result i32) (local.get $rep))
      (func (export "dropped") (result i32) (global.get $dropped)))
    (core instance $main (instantiate $Main (with "res" (instance $res)) (with "state" (instance $state))))
    (alias core export $main "mem" (core memory $mem))
    (alias core export $main "realloc" (core func $realloc))
    (type $own-blob (own $blob-e))
    (type $borrow-blob (borrow $blob-e))
    (func $shout (param "s" string) (result string)
      (canon lift (core func $main "shout") (memory $mem) (realloc $realloc) string-encoding=utf16))
    (func $make-blob (param "s" string) (result $own-blob)
      (canon lift (core func $main "make-blob") (memory $mem) (realloc $realloc) string-encoding=utf16))
    (func $blob-text (param "self" $borrow-blob) (result string)
      (canon lift (core func $main "blob-text") (memory $mem) (realloc $realloc) string-encoding=utf16))
    (func $dropped (result u32) (canon lift (core func $main "dropped")))
    (export "shout" (func $shout))
    (export "make-blob" (func $make-blob))
    (export "[method]blob.text" (func $blob-text))
    (export "dropped" (func $dropped)))

  (component $App
    (import "lib" (instance $lib
      (export "blob" (type (sub resource)))
      (export "shout" (func (param "s" string) (result string)))
      (export "make-blob" (func (param "s" string) (result (own 0))))
      (export "[method]blob.text" (func (param "self" (borrow 0)) (result string)))))
    (alias export $lib "blob" (type $blob))
    (core module $Mem
      (memory (export "mem") 1)
      ${REALLOC})
    (core instance $mem (instantiate $Mem))
    (alias core export $mem "mem" (core memory $m))
    (alias core export $mem "realloc" (core func $realloc))
    (core func $shout (canon lower (func $lib "shout") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (core func $make-blob (canon lower (func $lib "make-blob") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (core func $text (canon lower (func $lib "[method]blob.text") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (core func $drop (canon resource.drop $blob))
    (core instance $libi
      (export "shout" (func $shout))
      (export "make-blob" (func $make-blob))
      (export "text" (func $text))
      (export "drop" (func $drop)))
    (core module $Main
      (import "lib" "shout" (func $shout (param i32 i32 i32)))
      (import "lib" "make-blob" (func $make (param i32 i32) (result i32)))
      (import "lib" "text" (func $text (param i32 i32)))
      (import "lib" "drop" (func $drop (param i32)))
      (import "mem" "mem" (memory 1))
      ;; run(s) -> string: lib.shout(s)
      (func (export "run") (param i32 i32) (result i32)
        (call $shout (local.get 0) (local.get 1) (i32.const 64))
        (i32.const 64))
      ;; roundtrip(s) -> string: b = make-blob(s); t = b.text(); drop b; t
      (func (export "roundtrip") (param i32 i32) (result i32) (local $h i32)
        (local.set $h (call $make (local.get 0) (local.get 1)))
        (call $text (local.get $h) (i32.const 64))
        (call $drop (local.get $h))
        (i32.const 64))
      ;; keep(s) -> u32: make a blob and keep its handle (returns the handle index).
      (func (export "keep") (param i32 i32) (result i32) (call $make (local.get 0) (local.get 1)))
      ;; units(s) -> u32: the core length App received (latin1+utf16 tag included).
      (func (export "units") (param i32 i32) (result i32) (local.get 1)))
    (core instance $main (instantiate $Main (with "lib" (instance $libi)) (with "mem" (instance $mem))))
    (func $run (param "s" string) (result string)
      (canon lift (core func $main "run") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (func $roundtrip (param "s" string) (result string)
      (canon lift (core func $main "roundtrip") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (func $keep (param "s" string) (result u32)
      (canon lift (core func $main "keep") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (func $units (param "s" string) (result u32)
      (canon lift (core func $main "units") (memory $m) (realloc $realloc) string-encoding=latin1+utf16))
    (export "run" (func $run))
    (export "roundtrip" (func $roundtrip))
    (export "keep" (func $keep))
    (export "units" (func $units)))

  (instance $lib (instantiate $Lib))
  (instance $app (instantiate $App (with "lib" (instance $lib))))
  (export "app" (instance $app))
  (alias export $lib "dropped" (func $dropped))
  (export "dropped" (func $dropped))
  (alias export $lib "shout" (func $shout))
  (export "shout" (func $shout)))`;
