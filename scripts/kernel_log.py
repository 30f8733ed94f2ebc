"""What the report scripts read in a kernel console log."""

import re

# A line that says the kernel went wrong: oops, KASAN, lockdep, kmemleak...
SPLAT = re.compile(r'BUG:|WARNING:|Oops|Kernel panic|Unable to handle|Internal error:|'
                   r'KASAN:|UBSAN:|possible .*locking|inconsistent lock state|'
                   r'suspicious RCU usage|DEBUG_LOCKS_WARN|INFO: task .* blocked|'
                   r'new suspected memory leaks|refcount_t:|list_(add|del) corruption')

# "[   12.345678] text": the printk timestamp and the text
STAMP = re.compile(r'^\[\s*(\d+\.\d+)\]\s?(.*)$')
