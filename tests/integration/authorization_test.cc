// Placeholder replaced by the authorization table test.
#include <gtest/gtest.h>
