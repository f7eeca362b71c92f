# SPDX-License-Identifier: GPL-2.0
#
# CSV fields as bench/vm-bench.sh writes them, and the median of a list,
# for the awk programs of bench/ (prepended to their program text).

# csvsplit(line, f): split a CSV line into f[1..n], undoing csvq's
# quoting; returns n.
function csvsplit(line, f,    n, i, c, q, cur, len) {
	n = 0; cur = ""; q = 0; len = length(line)
	for (i = 1; i <= len; i++) {
		c = substr(line, i, 1)
		if (q) {
			if (c != "\"") cur = cur c
			else if (substr(line, i + 1, 1) == "\"") { cur = cur "\""; i++ }
			else q = 0
		} else if (c == "\"") q = 1
		else if (c == ",") { f[++n] = cur; cur = "" }
		else cur = cur c
	}
	f[++n] = cur
	return n
}

# csvq(s): s as one CSV field, quoted when it holds a comma, a blank or
# a quote.
function csvq(s) {
	if (s !~ /[," ]/) return s
	gsub(/"/, "\"\"", s)
	return "\"" s "\""
}

# median(list): the median of the blank-separated numbers in list; sets
# lo and hi to their minimum and maximum.
function median(list,    v, n, i, j, t) {
	n = split(list, v, " ")
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] + 0 > v[j] + 0; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	lo = v[1]; hi = v[n]
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
