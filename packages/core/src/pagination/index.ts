export { paginate, type Page, type PageLink, type PaginateOptions, type Pageable } from './paginate.js'
export { paginateByKey, type KeyPage, type KeyPageOptions, type KeyPageable } from './by-key.js'
export { parsePageNumber } from './page-number.js'
