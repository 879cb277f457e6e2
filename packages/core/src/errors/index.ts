export { TaoError, taoError, isTaoError, type TaoErrorDetails } from './tao-error.js'
export { codes, MAKE_KEY, type TaoErrorCode } from './codes.js'
export { closest, didYouMean, listOrNone } from './suggest.js'
