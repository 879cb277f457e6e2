/**
 * Passwords found at the top of public breach-frequency lists (lowercase). Short on purpose:
 * the minimum length already refuses the shorter ones; projects needing a bigger list add a
 * validator of their own.
 */
export const COMMON_PASSWORDS: ReadonlySet<string> = new Set([
  '123456', '123456789', '12345678', 'password', 'qwerty', '12345', '1234567', '111111', '1234567890',
  '123123', 'abc123', '1234', 'password1', 'iloveyou', '1q2w3e4r', '000000', 'qwerty123', 'zaq12wsx',
  'dragon', 'sunshine', 'princess', 'letmein', '654321', 'monkey', '27653', '1qaz2wsx', '123321',
  'qwertyuiop', 'superman', 'asdfghjkl', 'football', 'baseball', 'welcome', 'welcome1', 'admin',
  'admin123', 'administrator', 'passw0rd', 'p@ssw0rd', 'p@ssword', 'password123', 'password12',
  'qwerty1', 'master', 'hello123', 'freedom', 'whatever', 'trustno1', 'starwars', 'shadow',
  'michael', 'jennifer', 'jordan23', 'harley', 'hunter2', 'ranger', 'buster', 'soccer', 'hockey',
  'killer', 'george', 'charlie', 'andrew', 'michelle', 'loveme', 'sunshine1', 'computer', 'internet',
  'cheese', 'pokemon', 'maggie', 'ginger', 'summer', 'winter', 'spring', 'autumn', 'flower',
  'chocolate', 'butterfly', 'purple', 'orange', 'banana', 'secret', 'mustang', 'access', 'batman',
  'test123', 'testtest', 'changeme', 'default', 'guest', 'login', 'root', 'toor', 'qazwsx', 'zxcvbnm',
  'zxcvbnm123', 'asdfasdf', 'asdf1234', 'aa123456', 'abcd1234', 'abcdefg', 'abcdefgh', '11111111',
  '88888888', '00000000', '12341234', '123qwe', '1q2w3e', '1q2w3e4r5t', 'q1w2e3r4', 'q1w2e3r4t5',
  'qweasdzxc', 'iloveyou1', 'lovely', 'letmein1', 'football1', 'baseball1', 'princess1', 'monkey1',
  'dragon1', 'master1', 'superman1', 'pass1234', 'passpass', 'password!', 'password1!', 'qwerty12',
  'qwerty1234', 'welcome123', 'secret123', 'mypassword', 'nothing', 'blahblah', 'starwars1',
])
