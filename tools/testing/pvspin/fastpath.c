// SPDX-License-Identifier: GPL-2.0
/* placeholder, written next */
int main(void) { return 0; }
