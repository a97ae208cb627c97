;; Core module of bench/components/calc.wit (canonical export names, utf8 strings).
;; The allocator is an arena that `echo`'s post-return empties, so millions of
;; calls reuse the same few bytes instead of growing memory.
(module
  (memory (export "memory") 1)
  (global $base i32 (i32.const 4096))
  (global $bump (mut i32) (i32.const 4096))
  (func (export "cabi_realloc") (param $old i32) (param $oldsize i32) (param $align i32) (param $new i32) (result i32)
    (local $p i32)
    (local.set $p (i32.and (i32.add (global.get $bump) (i32.sub (local.get $align) (i32.const 1)))
                           (i32.sub (i32.const 0) (local.get $align))))
    (global.set $bump (i32.add (local.get $p) (local.get $new)))
    (block $ok
      (loop $grow
        (br_if $ok (i32.le_u (global.get $bump) (i32.mul (memory.size) (i32.const 65536))))
        (drop (memory.grow (i32.const 1)))
        (br $grow)))
    (memory.copy (local.get $p) (local.get $old)
      (select (local.get $oldsize) (local.get $new) (i32.lt_u (local.get $oldsize) (local.get $new))))
    (local.get $p))
  (func (export "add") (param i32 i32) (result i32) (i32.add (local.get 0) (local.get 1)))
  ;; echo: the argument is already in guest memory; return it as is, through a return area
  (func (export "echo") (param i32 i32) (result i32)
    (i32.store (i32.const 1024) (local.get 0))
    (i32.store (i32.const 1028) (local.get 1))
    (i32.const 1024))
  (func (export "cabi_post_echo") (param i32) (global.set $bump (global.get $base)))
)
